// The version table: every choice that depends on the Kubernetes version, for v1.20 through
// v1.36, in one place (table.cc). Other code asks the table; no version comparisons elsewhere.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/schema.h"
#include "versions/version.h"

namespace kadm::versions {

inline constexpr int kMajor = 1;
inline constexpr int kOldestMinor = 20;
inline constexpr int kNewestMinor = 36;

// Kubeadm feature gate as a release of kubeadm knows it.
struct FeatureGate {
  std::string name;
  bool default_on = false;
  std::string stage;  // "ALPHA", "BETA", "GA", "DEPRECATED"
};

// What kubeadm of one minor release does differently.
struct Release {
  int minor = 0;
  int latest_patch = 0;  // newest known patch release of this minor

  // Images (kubeadm's constants for a control plane of this minor).
  std::string default_registry;  // "k8s.gcr.io" or "registry.k8s.io"
  std::string etcd_version;      // image tag, e.g. "3.4.13-0"
  std::string coredns_version;   // image tag, e.g. "1.7.0" or "v1.8.0"
  bool coredns_in_subpath = false;  // image is coredns/coredns under the default registry
  std::string pause_version;     // image tag, e.g. "3.2"
  bool dns_image_before_pause = true;  // order of `config images list` (v1.20 put DNS last)

  // Configuration API.
  api::Schema written_schema = api::Schema::V1beta4;  // what this kubeadm writes (kubeadm-config)

  // Cluster objects and node setup.
  bool versioned_kubelet_configmap = false;  // "kubelet-config-1.20" rather than "kubelet-config"
  bool cluster_status = false;               // kubeadm-config carries ClusterStatus
  std::vector<std::string> control_plane_labels;
  std::vector<std::string> control_plane_taints;  // keys of the default NoSchedule taints
  bool admin_is_cluster_admins = false;      // admin.conf in kubeadm:cluster-admins + super-admin.conf
  bool kubelet_start_before_manifests = false;  // v1.20 ran kubelet-start before control-plane
  bool show_join_command_phase = false;
  // `config print init-defaults` of v1.21 and older ran dynamic defaulting (hostname, master
  // taint) and printed kubernetesVersion as "v1.X.0"; later releases print "node", "taints: null"
  // and "1.X.0".
  bool print_defaults_dynamic = false;
  bool upgrade_plan_etcd_upgrade = false;  // UpgradeConfiguration.plan.etcdUpgrade (v1.33+)
  std::string default_cri_socket;
  std::vector<std::string> known_cri_sockets;  // detection order
  std::string default_cgroup_driver;         // what the kubelet config gets when unset

  // PKI: what kubeadm's certificates look like (pkiutil and client-go's cert package; sources
  // beside each value in table.cc).
  bool ca_random_serial = false;        // CA serial number random; before: 0
  bool ca_dns_san = false;              // CA certificate carries DNS:<its CN> as SAN
  bool leaf_basic_constraints = false;  // leaf certificates carry "CA:FALSE" basic constraints
  bool ca_backdate = false;             // CA NotBefore is 5 minutes before now
  bool leaf_backdate = false;           // leaf NotBefore is 5 minutes before now, not the CA's
  bool etcd_clients_system_masters = false;  // O=system:masters on the two etcd client certs
  std::string kubelet_client_group;     // O of apiserver-kubelet-client
  bool skid_sha256 = false;             // CA subject key id: truncated SHA-256 (Go 1.25+), not SHA-1

  std::vector<FeatureGate> feature_gates;
};

// The release entry for a minor version, or nullptr when outside the table.
const Release* find_release(int minor);
const Release& release_for(const Version& v);  // throws kadm::Error if outside the table
const Release& newest_release();
const Release& oldest_release();

// The default kubernetesVersion: the newest patch of the newest minor in the table.
Version default_kubernetes_version();

// Resolves kubernetesVersion as written in a config or flag: an exact version ("v1.20.2",
// "1.20.2") or a label ("stable", "stable-1", "stable-1.24", "latest", "latest-1.28") resolved
// offline from the table. Throws kadm::Error naming the value and the supported range.
Version resolve_version(const std::string& text);

// True when the version is in the table's range (v1.20.0 … v1.36.x).
bool supported(const Version& v);

std::string supported_range();  // "v1.20 to v1.36"

}  // namespace kadm::versions
