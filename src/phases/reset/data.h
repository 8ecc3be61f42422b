// What the phases of `kadm reset` share: the effective ResetConfiguration (flags, or --config),
// the cluster's configuration when the API server still answers, this node's release, the
// machine and container runtime to act on, and what was left behind (printed at the end).
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/types.h"
#include "cli/command.h"
#include "host/machine.h"
#include "kube/client.h"
#include "preflight/check.h"
#include "preflight/runtime.h"
#include "versions/table.h"
#include "workflow/phase.h"

namespace kadm::phases::reset {

// kubeadm reset's flags (and kadm's --cleanup-network). `kadm reset` and every `kadm reset phase
// …` bind to these.
struct ResetOptions {
  std::string cert_dir = "/etc/kubernetes/pki";
  std::string cri_socket;
  bool force = false;
  bool dry_run = false;
  bool cleanup_tmp_dir = false;
  bool cleanup_network = false;
  std::string kubeconfig = "/etc/kubernetes/admin.conf";
  std::string config_path;
  std::vector<std::string> ignore_preflight_errors;
  std::vector<std::string> skip_phases;
};
ResetOptions& reset_options();

// Well-known paths (upstream constants), kept as data so tests can point them elsewhere.
struct ResetPaths {
  std::string kubernetes_dir = "/etc/kubernetes";
  std::string kubelet_dir = "/var/lib/kubelet";
};

class ResetData : public workflow::Data {
 public:
  // From the command line: reads --config, connects to the cluster when it can, detects the CRI
  // socket and the release.
  explicit ResetData(const cli::Invocation& inv);
  // For tests: everything injected. `client` may be null (no cluster reachable).
  ResetData(api::ResetConfiguration cfg, const versions::Release& release, std::unique_ptr<host::Machine> machine,
            std::unique_ptr<preflight::ContainerRuntime> runtime, std::unique_ptr<kube::Client> client);

  api::ResetConfiguration cfg;                   // certificatesDir, criSocket, force, dryRun, …
  std::optional<api::ClusterConfiguration> cluster;  // from kubeadm-config, when reachable
  std::optional<std::string> cluster_status;     // v1.21 and older: kubeadm-config's ClusterStatus
  std::string node_name;
  ResetPaths paths;
  bool cleanup_network = false;
  std::istream* input = nullptr;                 // where the confirmation is read from

  const versions::Release& release() const { return *release_; }
  host::Machine& machine() { return *machine_; }
  preflight::ContainerRuntime& runtime() { return *runtime_; }
  kube::Client* client() { return client_.get(); }  // null when the cluster is not reachable
  preflight::IgnoreSet ignore() const;
  bool dry_run() const { return cfg.dry_run; }

  // Directories whose contents are deleted at the end (etcd data, the kubelet's …).
  std::vector<std::string> dirs_to_clean;
  // One line per thing reset did not clean up, with why and what to do.
  std::vector<std::string> left_behind;
  // The admin kubeconfig as it was before reset (to recognise the user's copy of it).
  std::optional<std::string> admin_conf;

  std::string manifests_dir() const { return paths.kubernetes_dir + "/manifests"; }

 private:
  const versions::Release* release_ = nullptr;
  std::unique_ptr<host::Machine> machine_;
  std::unique_ptr<preflight::ContainerRuntime> runtime_;
  std::unique_ptr<kube::Client> client_;
};

// The phases of reset for a release, in upstream's order.
std::vector<workflow::Phase> reset_phases(const versions::Release& r);

// Registers `kadm reset` with its phases.
void add_reset_command(cli::Command& root);

// Phase bodies (one file each), callable from tests with a ResetData.
void run_preflight(ResetData& d);             // preflight.cc
void run_update_cluster_status(ResetData& d); // update_cluster_status.cc
void run_remove_etcd_member(ResetData& d);    // remove_etcd_member.cc
void run_cleanup_node(ResetData& d);          // cleanup_node.cc
// After the phases: the stateful directories, the user's copy of admin.conf, --cleanup-network,
// and the report of what was left behind.
void finish(ResetData& d);                    // finish.cc

// CleanDir: deletes the contents of a directory, not the directory. "" or what failed.
std::string clean_dir(host::Machine& m, const std::string& dir);

}  // namespace kadm::phases::reset
