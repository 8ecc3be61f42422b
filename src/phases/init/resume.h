// Re-running `kadm init` on a node where an earlier run stopped (kubeadm#2769). The phases that
// leave what a re-run's preflight would take for a foreign control plane (the kubelet's files, the
// static Pod manifests) first leave a mark for the cluster CA: which node, which Kubernetes
// version, the certificates directory and the CA's SHA-256. On the next run, preflight finds the mark, checks it still describes this
// node's CA, and then does not count kadm's own earlier work (its manifests, the ports of the
// components it started, the etcd data directory) as a foreign cluster. Everything after
// preflight already converges: certificates and kubeconfigs are reused when they fit, files are
// rewritten, and every API object is created or updated.
//
// The mark lives in the kubelet's directory, beside the kubeadm-flags.env and config.yaml that
// init writes there: /etc/kubernetes stays exactly as upstream writes it, and `kadm reset` and
// `kubeadm reset` both remove the mark with the rest of /var/lib/kubelet.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kadm::phases {

class InitData;

struct InitMark {
  std::string cert_dir;
  std::string node_name;
  std::string kubernetes_version;
  std::string started;     // RFC 3339, UTC, of the run that made the CA
  std::string ca_sha256;   // hex SHA-256 of ca.crt as written
};

inline constexpr const char* kInitMarkPath = "/var/lib/kubelet/kadm-init.json";

// Marks this node as set up by `kadm init` for the CA in d.cert_dir (kInitMarkPath); nothing under
// --dry-run. Called by kubelet-start and before every static Pod manifest is written.
void mark_init_state(const InitData& d);

// Writes (or rewrites) the mark at `mark_path` for the CA now in `cert_dir`. Keeps `started` of an
// existing mark for the same CA. Nothing is written while the directory has no ca.crt.
void write_init_mark(const std::string& mark_path, const std::string& cert_dir, const std::string& node_name,
                     const std::string& kubernetes_version);

// The mark of an earlier kadm init on this node, when there is one, it was made for `cert_dir`,
// and the CA it names is the CA there; nullopt otherwise (no mark, unreadable, another directory,
// or a CA made since by someone else).
std::optional<InitMark> read_valid_init_mark(const std::string& mark_path, const std::string& cert_dir);

// The names of the checks that an earlier run of kadm init on this node makes fail by itself:
// the component ports, the static Pod manifests and the local etcd data directory.
std::vector<std::string> own_state_checks(const InitData& d);

// What foreign cluster state preflight sees when there is no valid mark (a control plane made by
// another tool, or by kadm with a different CA): the paths that exist, for the error's hint.
// Like the checks, it looks at the real host (the configured certificatesDir), also under
// --dry-run.
std::vector<std::string> foreign_state(const InitData& d);

}  // namespace kadm::phases
