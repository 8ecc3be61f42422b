// kadm's internal configuration model: one set of types that every kubeadm.k8s.io version
// (v1alpha2 … v1beta4) decodes into and encodes from. It follows upstream's internal types
// (cmd/kubeadm/app/apis/kubeadm) field for field; a zero value means "not set" exactly where Go's
// zero value does, and std::optional stands where upstream uses a pointer.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "util/duration.h"

namespace kadm::api {

// A command-line argument for a component: {name, value}. Order matters and duplicates are
// allowed (v1beta4); older versions used a map, which sorts and de-duplicates.
struct Arg {
  std::string name;
  std::string value;
  bool operator==(const Arg&) const = default;
};

struct HostPathMount {
  std::string name;
  std::string host_path;
  std::string mount_path;
  bool read_only = false;
  std::string path_type;  // corev1.HostPathType, e.g. "DirectoryOrCreate"
  bool operator==(const HostPathMount&) const = default;
};

// corev1.EnvVar kept verbatim (name, value, valueFrom …).
using EnvVar = nlohmann::json;

struct ControlPlaneComponent {
  std::vector<Arg> extra_args;
  std::vector<HostPathMount> extra_volumes;
  std::vector<EnvVar> extra_envs;
};

struct APIServer : ControlPlaneComponent {
  std::vector<std::string> cert_sans;
  // v1beta3 and older kept the control-plane wait here; v1beta4 moved it to
  // InitConfiguration.timeouts.controlPlaneComponentHealthCheck. Kept so a v1beta3 round trip
  // is lossless.
  std::optional<Duration> timeout_for_control_plane;
};

struct ImageMeta {
  std::string image_repository;
  std::string image_tag;
};

struct DNS : ImageMeta {
  bool disabled = false;
  std::string type;  // v1beta2 and older: "CoreDNS" or "kube-dns"; dropped in v1beta3
};

struct Proxy {
  bool disabled = false;
};

struct LocalEtcd : ImageMeta {
  std::string data_dir;
  std::vector<Arg> extra_args;
  std::vector<EnvVar> extra_envs;
  std::vector<std::string> server_cert_sans;
  std::vector<std::string> peer_cert_sans;
};

struct ExternalEtcd {
  std::vector<std::string> endpoints;
  std::vector<std::string> http_endpoints;  // v1beta4, Kubernetes 1.35+
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

struct Etcd {
  std::optional<LocalEtcd> local;
  std::optional<ExternalEtcd> external;
};

struct Networking {
  std::string service_subnet;
  std::string pod_subnet;
  std::string dns_domain;
};

struct ClusterConfiguration {
  Etcd etcd;
  Networking networking;
  std::string kubernetes_version;
  std::string control_plane_endpoint;
  APIServer api_server;
  ControlPlaneComponent controller_manager;
  ControlPlaneComponent scheduler;
  DNS dns;
  Proxy proxy;
  std::string certificates_dir;
  std::string image_repository;
  std::map<std::string, bool> feature_gates;
  std::string cluster_name;
  std::string encryption_algorithm;  // "RSA-2048" … (v1beta4)
  std::optional<Duration> certificate_validity_period;
  std::optional<Duration> ca_certificate_validity_period;
  bool use_hyperkube_image = false;  // v1beta2 and older; no effect since 1.17
};

struct APIEndpoint {
  std::string advertise_address;
  int32_t bind_port = 0;
};

struct Taint {
  std::string key;
  std::string value;
  std::string effect;
  std::string time_added;  // RFC 3339, rarely set
  bool operator==(const Taint&) const = default;
};

struct NodeRegistrationOptions {
  std::string name;
  std::string cri_socket;
  // nil = "use the default taints"; an empty list = "no taints" (upstream's pointer semantics).
  std::optional<std::vector<Taint>> taints;
  std::vector<Arg> kubelet_extra_args;
  std::vector<std::string> ignore_preflight_errors;
  std::string image_pull_policy;
  std::optional<bool> image_pull_serial;
};

struct BootstrapToken {
  std::string token;  // "abcdef.0123456789abcdef"
  std::string description;
  std::optional<Duration> ttl;
  std::string expires;  // RFC 3339
  std::vector<std::string> usages;
  std::vector<std::string> groups;
};

struct Patches {
  std::string directory;
};

struct Timeouts {
  std::optional<Duration> control_plane_component_health_check;
  std::optional<Duration> kubelet_health_check;
  std::optional<Duration> kubernetes_api_call;
  std::optional<Duration> etcd_api_call;
  std::optional<Duration> tls_bootstrap;
  std::optional<Duration> discovery;
  std::optional<Duration> upgrade_manifests;
};

struct InitConfiguration {
  std::vector<BootstrapToken> bootstrap_tokens;
  bool dry_run = false;
  NodeRegistrationOptions node_registration;
  APIEndpoint local_api_endpoint;
  std::string certificate_key;
  std::vector<std::string> skip_phases;
  std::optional<Patches> patches;
  std::optional<Timeouts> timeouts;
};

struct BootstrapTokenDiscovery {
  std::string token;
  std::string api_server_endpoint;
  std::vector<std::string> ca_cert_hashes;
  bool unsafe_skip_ca_verification = false;
};

struct FileDiscovery {
  std::string kube_config_path;
};

struct Discovery {
  std::optional<BootstrapTokenDiscovery> bootstrap_token;
  std::optional<FileDiscovery> file;
  std::string tls_bootstrap_token;
  std::optional<Duration> timeout;  // v1beta3 and older; v1beta4 uses timeouts.discovery
};

struct JoinControlPlane {
  APIEndpoint local_api_endpoint;
  std::string certificate_key;
};

struct JoinConfiguration {
  bool dry_run = false;
  NodeRegistrationOptions node_registration;
  std::string ca_cert_path;
  Discovery discovery;
  std::optional<JoinControlPlane> control_plane;
  std::vector<std::string> skip_phases;
  std::optional<Patches> patches;
  std::optional<Timeouts> timeouts;
};

struct ResetConfiguration {
  bool cleanup_tmp_dir = false;
  std::string certificates_dir;
  std::string cri_socket;
  bool dry_run = false;
  bool force = false;
  std::vector<std::string> ignore_preflight_errors;
  std::vector<std::string> skip_phases;
  std::vector<std::string> unmount_flags;
  std::optional<Timeouts> timeouts;
};

struct UpgradeApplyConfiguration {
  std::string kubernetes_version;
  std::optional<bool> allow_experimental_upgrades;
  std::optional<bool> allow_rc_upgrades;
  std::optional<bool> certificate_renewal;
  std::optional<bool> dry_run;
  std::optional<bool> etcd_upgrade;
  std::optional<bool> force_upgrade;
  std::vector<std::string> ignore_preflight_errors;
  std::optional<Patches> patches;
  std::optional<bool> print_config;
  std::vector<std::string> skip_phases;
  std::string image_pull_policy;
  std::optional<bool> image_pull_serial;
};

struct UpgradeDiffConfiguration {
  std::string kubernetes_version;
  int32_t context_lines = 0;
};

struct UpgradeNodeConfiguration {
  std::optional<bool> certificate_renewal;
  std::optional<bool> dry_run;
  std::optional<bool> etcd_upgrade;
  std::vector<std::string> ignore_preflight_errors;
  std::vector<std::string> skip_phases;
  std::optional<Patches> patches;
  std::string image_pull_policy;
  std::optional<bool> image_pull_serial;
};

struct UpgradePlanConfiguration {
  std::string kubernetes_version;
  std::optional<bool> allow_experimental_upgrades;
  std::optional<bool> allow_rc_upgrades;
  std::optional<bool> dry_run;
  std::vector<std::string> ignore_preflight_errors;
  std::optional<bool> print_config;
  std::optional<bool> etcd_upgrade;
};

struct UpgradeConfiguration {
  UpgradeApplyConfiguration apply;
  UpgradeDiffConfiguration diff;
  UpgradeNodeConfiguration node;
  UpgradePlanConfiguration plan;
  std::optional<Timeouts> timeouts;
};

}  // namespace kadm::api
