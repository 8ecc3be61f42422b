// What the phases of `kadm join` share: the JoinConfiguration (from flags or --config, any
// supported version, defaulted and validated once), the trust established by discovery, the
// cluster's configuration read with the bootstrap identity, and the edges phases write through
// (real files, or --dry-run printing them).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/decode.h"
#include "cli/command.h"
#include "discovery/discovery.h"
#include "kube/client.h"
#include "kubeconfig/kubeconfig.h"
#include "util/duration.h"
#include "versions/table.h"
#include "workflow/phase.h"

namespace kadm::phases {

// kubeadm join's flags. Stored once; `kadm join` and every `kadm join phase …` bind to these.
struct JoinOptions {
  std::string config_path;
  std::string token;
  bool control_plane = false;
  std::vector<std::string> ignore_preflight_errors;
  std::vector<std::string> skip_phases;
  std::string patches;
  std::string experimental_patches;  // v1.20 name of --patches
  bool dry_run = false;
  // Flags bound to the JoinConfiguration.
  std::string node_name;
  std::string cri_socket;
  std::string certificate_key;
  std::string advertise_address;
  int bind_port = 6443;
  std::string discovery_token;
  std::vector<std::string> ca_cert_hashes;
  bool unsafe_skip_ca_verification = false;
  std::string discovery_file;
  std::string tls_bootstrap_token;
  // kadm-only, for the hidden tls-bootstrap phase (bench): where it writes its kubeconfig.
  std::string bootstrap_out_dir;
};
JoinOptions& join_options();

// Paths of the files join writes (upstream constants).
struct JoinPaths {
  std::string kubeconfig_dir = "/etc/kubernetes";
  std::string kubelet_dir = "/var/lib/kubelet";
  std::string bootstrap_kubeconfig() const { return kubeconfig_dir + "/bootstrap-kubelet.conf"; }
  std::string kubelet_kubeconfig() const { return kubeconfig_dir + "/kubelet.conf"; }
  std::string admin_kubeconfig() const { return kubeconfig_dir + "/admin.conf"; }
  std::string manifest_dir() const { return kubeconfig_dir + "/manifests"; }
};

class JoinData : public workflow::Data {
 public:
  explicit JoinData(const cli::Invocation& inv);
  ~JoinData() override;

  api::JoinConfiguration cfg;  // defaulted and validated
  bool control_plane() const { return cfg.control_plane.has_value(); }
  bool dry_run = false;
  JoinPaths paths;
  std::string patches_dir;
  std::vector<std::string> ignore_preflight_errors;  // the flag's and the config's, as given
  std::string certificate_key() const {
    return cfg.control_plane ? cfg.control_plane->certificate_key : "";
  }

  // Discovery options (timeout from the configuration); tests and the bench may swap the getter.
  discovery::Options discovery_options;
  // Time spent waiting for the cluster (the signer, between discovery attempts) and for the
  // kubelet (its TLS bootstrap and Node registration): the part of a join that is not kadm's.
  Duration waited{};
  // The kubeconfig for the TLS bootstrap (discovery runs on first use). For a control-plane join
  // with an existing admin.conf, that file (upstream skips discovery then).
  kubeconfig::Config& tls_bootstrap_config();
  // The cluster's configuration, read with the bootstrap identity on first use: the
  // ClusterConfiguration of kubeadm-config, this node's registration and API endpoint, and the
  // cluster's KubeletConfiguration.
  const api::InitConfiguration& init_cfg();
  const api::ClusterConfiguration& cluster();
  const std::optional<nlohmann::json>& cluster_kubelet_config();
  const versions::Release& release();
  // The cluster's kubernetesVersion, resolved.
  std::string kubernetes_version();

  // A client with the TLS bootstrap identity (token or discovery-file credentials).
  kube::Client& bootstrap_client();
  // A client with admin.conf's identity (control-plane join, after control-plane-prepare).
  // Under --dry-run, one that answers GETs from the cluster and prints every write.
  kube::Client& admin_client();
  // timeouts.kubernetesAPICall / tlsBootstrap / discovery … with their defaults.
  Duration api_timeout() const;
  Duration tls_bootstrap_timeout() const;
  Duration etcd_timeout() const;
  Duration control_plane_timeout() const;
  Duration kubelet_timeout() const;

  // Writes a file (atomically, `mode`), or under --dry-run prints where and what it would write
  // (`secret` content is never printed).
  void write_file(const std::string& path, const std::string& content, mode_t mode,
                  bool secret = false);
  // Where certificates are written: certificatesDir, or under --dry-run a private temporary
  // directory that is removed at exit.
  std::string cert_dir();
  // The same for the kubeconfig files a control-plane join makes.
  std::string kubeconfig_write_dir();
  std::string manifest_write_dir();

 private:
  void fetch_cluster_configuration();
  std::string dry_run_dir();

  const cli::Invocation* inv_ = nullptr;
  std::optional<kubeconfig::Config> tls_bootstrap_;
  std::optional<api::InitConfiguration> init_;
  std::optional<api::ClusterConfiguration> cluster_;
  std::optional<nlohmann::json> kubelet_config_;
  const versions::Release* release_ = nullptr;
  std::unique_ptr<kube::Client> bootstrap_client_;
  std::unique_ptr<kube::Client> admin_client_;
  std::string dry_run_dir_;
};

// Registers `kadm join` with its phases.
void add_join_command(cli::Command& root);

}  // namespace kadm::phases
