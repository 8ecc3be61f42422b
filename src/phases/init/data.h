// What the phases of `kadm init` share: the configuration (defaulted and validated once), the
// directories every phase writes to (real ones, or a temporary tree under --dry-run), and the
// options that come only from flags.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "api/decode.h"
#include "cli/command.h"
#include "host/system.h"
#include "kube/client.h"
#include "util/duration.h"
#include "versions/table.h"
#include "workflow/phase.h"

namespace kadm::phases {

// kubeadm init's flags. Stored once; `kadm init` and every `kadm init phase …` bind to these.
struct InitOptions {
  std::string config_path;
  std::string cert_dir = "/etc/kubernetes/pki";
  std::string advertise_address;
  int bind_port = 6443;
  std::vector<std::string> cert_extra_sans;
  std::string control_plane_endpoint;
  std::string service_cidr = "10.96.0.0/12";
  std::string service_dns_domain = "cluster.local";
  std::string pod_network_cidr;
  std::string kubernetes_version = "stable-1";
  std::string image_repository = "registry.k8s.io";
  std::string node_name;
  std::string cri_socket;
  std::vector<std::string> ignore_preflight_errors;
  std::vector<std::string> skip_phases;
  std::string feature_gates;
  std::string patches;
  std::string token;
  Duration token_ttl = std::chrono::hours(24);
  std::string certificate_key;
  bool upload_certs = false;
  bool skip_certificate_key_print = false;
  bool skip_token_print = false;
  bool dry_run = false;
  std::string kubeconfig_dir = "/etc/kubernetes";
  std::string kubeconfig_path = "/etc/kubernetes/admin.conf";
  std::string output;  // kadm: -o json|yaml prints the result document on stdout
  // Phase-only flags.
  std::string csr_dir;
  bool csr_only = false;
  std::string experimental_patches;  // v1.20 name of --patches
};
InitOptions& init_options();

// Filled once from flags and --config; what every init phase reads.
class InitData : public workflow::Data {
 public:
  explicit InitData(const cli::Invocation& inv);

  api::ConfigSet config;  // holds init and cluster, fully defaulted and validated
  const api::InitConfiguration& init() const { return *config.init; }
  const api::ClusterConfiguration& cluster() const { return *config.cluster; }
  api::InitConfiguration& init() { return *config.init; }
  api::ClusterConfiguration& cluster() { return *config.cluster; }
  const versions::Release& release() const { return *release_; }
  versions::Version version() const;

  bool dry_run = false;
  std::string dry_run_dir;     // where --dry-run writes instead of the real paths
  std::string cert_dir;        // certificatesDir (or its dry-run twin)
  std::string kubeconfig_dir;  // /etc/kubernetes
  std::string manifest_dir;    // /etc/kubernetes/manifests
  std::string kubelet_dir;     // /var/lib/kubelet
  std::string patches_dir;
  std::set<std::string> ignore_preflight_errors;  // lower-cased, as upstream compares them
  bool upload_certs = false;
  bool skip_token_print = false;
  bool skip_certificate_key_print = false;
  std::string output;  // "", "json" or "yaml"
  // From the kubelet's start to the control-plane wait, kadm's own work is not what init waits
  // for: kubelet-start lowers the priority of the thread doing it, wait-control-plane restores it.
  std::unique_ptr<host::LowPriority> yield_to_kubelet;

  // The admin kubeconfig the API phases use (--kubeconfig, default <kubeconfig-dir>/admin.conf).
  std::string admin_kubeconfig() const;
  // The client the API phases share. Built on first use from admin.conf; on v1.29+ it first
  // makes sure the kubeadm:cluster-admins binding exists (with super-admin.conf if needed).
  // Under --dry-run, a client that prints every call instead.
  kube::Client& client();
  // A client for the API server's health endpoints while it starts (short deadlines; no
  // kubeadm:cluster-admins binding needed or made).
  kube::Client& health_client();
  // timeouts.kubernetesAPICall of the configuration.
  Duration api_timeout() const;

 private:
  const versions::Release* release_ = nullptr;
  std::string admin_kubeconfig_;
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<kube::Client> health_client_;
};

// Registers `kadm init` with its phases.
void add_init_command(cli::Command& root);

}  // namespace kadm::phases
