// The version table. Sources: upstream kubeadm's constants.go, features.go and the versioned
// API types of each release (see docs/version-facts.md for where each fact was read).
#include "versions/table.h"

#include <fmt/format.h>

#include <regex>

#include "util/strings.h"

#include "util/error.h"

namespace kadm::versions {
namespace {

using api::Schema;

std::vector<Release> build_table() {
  // Per-minor image facts: {minor, latest patch, registry, etcd, coredns, coredns subpath, pause}.
  struct Images {
    int minor, latest_patch;
    const char* registry;
    const char* etcd;
    const char* coredns;
    bool coredns_subpath;
    const char* pause;
  };
  // The newest patch of each minor and the images its kubeadm computes for that minor
  // (docs/version-facts.md §1.2; 1.22.17, 1.23.15 and 1.24.9 moved to registry.k8s.io).
  static const Images kImages[] = {
      {20, 15, "k8s.gcr.io", "3.4.13-0", "1.7.0", false, "3.2"},
      {21, 14, "k8s.gcr.io", "3.4.13-0", "v1.8.0", true, "3.4.1"},
      {22, 17, "registry.k8s.io", "3.5.6-0", "v1.8.4", true, "3.5"},
      {23, 17, "registry.k8s.io", "3.5.6-0", "v1.8.6", true, "3.6"},
      {24, 17, "registry.k8s.io", "3.5.6-0", "v1.8.6", true, "3.7"},
      {25, 16, "registry.k8s.io", "3.5.9-0", "v1.9.3", true, "3.8"},
      {26, 15, "registry.k8s.io", "3.5.10-0", "v1.9.3", true, "3.9"},
      {27, 16, "registry.k8s.io", "3.5.12-0", "v1.10.1", true, "3.9"},
      {28, 15, "registry.k8s.io", "3.5.15-0", "v1.10.1", true, "3.9"},
      {29, 15, "registry.k8s.io", "3.5.16-0", "v1.11.1", true, "3.9"},
      {30, 14, "registry.k8s.io", "3.5.15-0", "v1.11.3", true, "3.9"},
      {31, 14, "registry.k8s.io", "3.5.24-0", "v1.11.3", true, "3.10"},
      {32, 13, "registry.k8s.io", "3.5.24-0", "v1.11.3", true, "3.10"},
      {33, 13, "registry.k8s.io", "3.5.24-0", "v1.12.0", true, "3.10"},
      {34, 10, "registry.k8s.io", "3.6.5-0", "v1.12.1", true, "3.10.1"},
      {35, 9, "registry.k8s.io", "3.6.6-0", "v1.13.1", true, "3.10.1"},
      {36, 5, "registry.k8s.io", "3.6.8-0", "v1.14.2", true, "3.10.2"},
  };


  // Feature gates: {name, first minor, last minor, default, stage}. A gate may have several rows
  // when its stage or default changed.
  struct GateRow {
    const char* name;
    int from, to;
    bool on;
    const char* stage;
  };
  // docs/version-facts.md §5.
  static const GateRow kGates[] = {
      {"IPv6DualStack", 20, 20, false, "ALPHA"},
      {"IPv6DualStack", 21, 22, true, "BETA"},
      {"IPv6DualStack", 23, 23, true, "GA"},
      {"PublicKeysECDSA", 20, 28, false, "ALPHA"},
      {"PublicKeysECDSA", 29, 36, false, "DEPRECATED"},
      {"RootlessControlPlane", 22, 36, false, "ALPHA"},
      {"UnversionedKubeletConfigMap", 23, 23, false, "ALPHA"},
      {"UnversionedKubeletConfigMap", 24, 24, true, "BETA"},
      {"UnversionedKubeletConfigMap", 25, 25, true, "GA"},
      {"EtcdLearnerMode", 27, 28, false, "ALPHA"},
      {"EtcdLearnerMode", 29, 31, true, "BETA"},
      {"EtcdLearnerMode", 32, 32, true, "GA"},
      {"UpgradeAddonsBeforeControlPlane", 28, 30, false, "DEPRECATED"},
      {"WaitForAllControlPlaneComponents", 30, 32, false, "ALPHA"},
      {"WaitForAllControlPlaneComponents", 33, 33, true, "BETA"},
      {"WaitForAllControlPlaneComponents", 34, 34, true, "GA"},
      {"ControlPlaneKubeletLocalMode", 31, 32, false, "ALPHA"},
      {"ControlPlaneKubeletLocalMode", 33, 34, true, "BETA"},
      {"ControlPlaneKubeletLocalMode", 35, 35, true, "GA"},
      {"NodeLocalCRISocket", 32, 33, false, "ALPHA"},
      {"NodeLocalCRISocket", 34, 35, true, "BETA"},
      {"NodeLocalCRISocket", 36, 36, true, "GA"},
  };


  std::vector<Release> table;
  table.reserve(std::size(kImages));
  for (const auto& im : kImages) {
    Release r;
    int m = im.minor;
    r.minor = m;
    r.latest_patch = im.latest_patch;
    r.default_registry = im.registry;
    r.etcd_version = im.etcd;
    r.coredns_version = im.coredns;
    r.coredns_in_subpath = im.coredns_subpath;
    r.pause_version = im.pause;
    r.written_schema = m <= 21 ? Schema::V1beta2 : m <= 30 ? Schema::V1beta3 : Schema::V1beta4;
    r.dns_image_before_pause = m >= 31;  // v1.24 still listed DNS last; v1.31+ lists it first
    r.versioned_kubelet_configmap = m <= 23;
    r.cluster_status = m <= 21;
    if (m <= 23) r.control_plane_labels = {"node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"};
    else r.control_plane_labels = {"node-role.kubernetes.io/control-plane"};
    if (m >= 21) r.control_plane_labels.push_back("node.kubernetes.io/exclude-from-external-load-balancers");
    if (m <= 24) r.control_plane_taints.push_back("node-role.kubernetes.io/master");
    if (m >= 24) r.control_plane_taints.push_back("node-role.kubernetes.io/control-plane");
    r.admin_is_cluster_admins = m >= 29;
    r.kubelet_start_before_manifests = m <= 27;
    r.mark_labels_quoted = m <= 20;
    r.show_join_command_phase = m >= 25;
    r.print_defaults_dynamic = m <= 21;
    r.upgrade_plan_etcd_upgrade = m >= 33;
    r.default_cri_socket = m <= 23 ? "/var/run/dockershim.sock" : "unix:///var/run/containerd/containerd.sock";
    if (m <= 23) {
      r.known_cri_sockets = {"/var/run/dockershim.sock", "/run/containerd/containerd.sock",
                             "/var/run/crio/crio.sock"};
    } else {
      r.known_cri_sockets = {"unix:///var/run/containerd/containerd.sock",
                             "unix:///var/run/crio/crio.sock", "unix:///var/run/cri-dockerd.sock"};
    }
    if (m <= 23) {
      r.docker_socket = "/var/run/docker.sock";
      r.docker_hides_socket = "/run/containerd/containerd.sock";
    }
    if (m <= 22) r.cri_api_versions = {"v1alpha2"};
    else if (m <= 25) r.cri_api_versions = {"v1", "v1alpha2"};
    else r.cri_api_versions = {"v1"};
    r.default_cgroup_driver = m <= 20 ? "" : "systemd";
    // PKI. Pull requests in kubernetes/kubernetes: #97266 (v1.21, leaves get basic constraints),
    // #100324 (v1.22, client-go CA gets a DNS SAN), #117791 (v1.28, random CA serial),
    // #118922 (v1.28, CA backdated 5m; cherry-picked into 1.25.12+, 1.26.7+, 1.27.4+, the
    // patches this table stands for), v1beta4 certificateValidityPeriod (v1.31, every cert
    // backdated from one start time), #119859 / #120521 / #121837 (v1.29, etcd client certs
    // lose system:masters, apiserver-kubelet-client moves to kubeadm:cluster-admins), and Go 1.25
    // (golang/go#71746; Kubernetes v1.35 is its first release built with it) for the SKID hash.
    r.leaf_basic_constraints = m >= 21;
    r.ca_dns_san = m >= 22;
    r.ca_random_serial = m >= 28;
    r.ca_backdate = m >= 25;
    r.leaf_backdate = m >= 31;
    r.etcd_clients_system_masters = m <= 28;
    r.kubelet_client_group = m >= 29 ? "kubeadm:cluster-admins" : "system:masters";
    r.skid_sha256 = m >= 35;
    // Static Pods.
    r.apiserver_insecure_port_zero = m <= 21;
    r.kcm_scheduler_port_zero = m <= 22;
    r.dual_stack_gate_to_components = m <= 22;
    r.authorization_config_replaces_mode = m >= 30;
    r.user_authz_mode_verbatim = m >= 31;
    r.pod_seccomp_runtime_default = m >= 22;
    r.pod_priority_value = m >= 25;
    r.pod_creation_timestamp_null = m <= 33;
    r.component_env_sorted = m >= 31;
    r.etcd_ephemeral_storage_request = m <= 21;
    if (m <= 24) {
      r.etcd_liveness_path = r.etcd_startup_path = "/health";
    } else if (m <= 30) {
      r.etcd_liveness_path = "/health?exclude=NOSPACE&serializable=true";
      r.etcd_startup_path = "/health?serializable=false";
    } else {
      r.etcd_liveness_path = "/livez";
      r.etcd_startup_path = r.etcd_readiness_path = "/readyz";
    }
    r.etcd_initial_corrupt_check = m >= 22;
    r.etcd_watch_progress_notify = m >= 25;
    r.etcd_v36_flags = m <= 33 ? 0 : m <= 35 ? 1 : 2;
    // kubelet-start.
    r.kubelet_dockershim = m <= 23;
    r.kubelet_pause_for_all_runtimes = m >= 21;
    r.kubelet_pod_infra_image_flag = m <= 34;
    r.kubelet_container_runtime_remote = m <= 26;
    r.kubelet_detect_docker_cgroup_driver = m <= 20;
    r.node_local_cri_socket = m >= 34;
    r.kubelet_logging_style = m <= 22 ? 0 : m <= 27 ? 1 : 2;
    r.kubelet_memory_swap_field = m >= 22;
    r.kubelet_runtime_endpoint_field = m >= 27;
    r.kubelet_image_max_gc_age_field = m >= 29;
    r.kubelet_crash_loop_backoff_field = m >= 32;
    r.wait_serial_kubelet_check = m >= 30;
    r.token_rbac_lines_capitalized = m >= 21;
    r.uploaded_config_has_authz_mode = m <= 30;
    // Addons.
    r.coredns_kube_dns_translation = m <= 20;
    r.coredns_master_toleration = m <= 25;
    r.coredns_anti_affinity = m >= 25;
    r.coredns_drop_all_upper = m >= 29;
    r.coredns_probe_ports_named = m >= 34;
    r.coredns_cache_disable_domain = m >= 33;
    r.coredns_rbac_endpointslices = m >= 22;
    r.coredns_rbac_get_nodes = m <= 27;
    r.dns_service_name_label = m <= 20 ? "KubeDNS" : "CoreDNS";
    r.kube_proxy_critical_addons_toleration = m <= 21;
    r.kube_proxy_sa_first = m <= 24;
    r.download_certs_public_0644 = m >= 22;
    // Join.
    r.join_update_status_phase = m <= 30;
    r.etcd_learner_join = m <= 26 ? 0 : m <= 32 ? 1 : 2;
    r.kubelet_local_mode = m <= 30 ? 0 : m <= 35 ? 1 : 2;
    r.join_wait_control_plane = m <= 29 ? 0 : m <= 34 ? 1 : 2;
    r.join_done_master_wording = m <= 23;
    r.node_patch_timeout_fixed = m <= 30;
    for (const auto& g : kGates) {
      if (m >= g.from && m <= g.to) r.feature_gates.push_back({g.name, g.on, g.stage});
    }
    // Preflight and reset: see the field comments in table.h for the pull requests. The external
    // etcd floor was read for 1.20 (3.2.18), 1.31 (3.5.11-0) and 1.32+ (3.5.24-0); between them
    // the 1.20 floor is kept (docs/version-facts.md §1.3).
    r.preflight_kubelet_skew = m >= 29 ? 3 : 1;
    r.preflight_bridge_netfilter = m <= 29;
    r.preflight_swap_style = m <= 22 ? 0 : m <= 28 ? 1 : m <= 30 ? 2 : 3;
    r.preflight_crictl = m <= 30 ? 2 : m == 31 ? 1 : 0;
    r.preflight_conntrack = m <= 31;
    r.preflight_join_manifests_dir = m <= 22;
    r.preflight_hostname_format = m >= 21;
    r.preflight_min_external_etcd = m <= 30 ? "3.2.18" : m == 31 ? "3.5.11-0" : "3.5.24-0";
    r.reset_update_cluster_status = m <= 22;
    r.reset_legacy_dirs = m <= 23;
    table.push_back(std::move(r));
  }
  return table;
}

const std::vector<Release>& table() {
  static const std::vector<Release> t = build_table();
  return t;
}

}  // namespace

const Release* find_release(int minor) {
  for (const auto& r : table())
    if (r.minor == minor) return &r;
  return nullptr;
}

const Release& newest_release() { return table().back(); }
const Release& oldest_release() { return table().front(); }

std::string supported_range() {
  return fmt::format("v{}.{} to v{}.{}", kMajor, kOldestMinor, kMajor, kNewestMinor);
}

bool supported(const Version& v) { return v.major == kMajor && find_release(v.minor) != nullptr; }

const Release& release_for(const Version& v) {
  const Release* r = v.major == kMajor ? find_release(v.minor) : nullptr;
  if (!r) {
    throw Error(fmt::format("Kubernetes {} is not supported", v.str()),
                fmt::format("kadm supports {}; set kubernetesVersion to one of them",
                            supported_range()),
                kExitConfig);
  }
  return *r;
}

Version default_kubernetes_version() {
  const Release& r = newest_release();
  return Version{kMajor, r.minor, r.latest_patch, "", ""};
}

Version resolve_version(const std::string& text) {
  if (auto v = parse_version(text)) return *v;
  // Labels as dl.k8s.io names them; kadm resolves them from its table instead of the internet.
  // At most 3 digits per number: no version needs more, and std::stoi cannot overflow.
  static const std::regex label(R"(^(stable|latest)(?:-([0-9]{1,3})(?:\.([0-9]{1,3}))?)?$)");
  std::smatch m;
  if (bounded_match(text, label, 512, &m)) {
    if (m[2].matched && std::stoi(m[2]) != kMajor) {
      throw Error(fmt::format("version label \"{}\" names major version {}", text, m[2].str()),
                  fmt::format("kadm supports {}", supported_range()), kExitConfig);
    }
    const Release* r = &newest_release();
    if (m[3].matched) {
      r = find_release(std::stoi(m[3]));
      if (!r) {
        throw Error(fmt::format("version label \"{}\" is outside kadm's version table", text),
                    fmt::format("kadm supports {}", supported_range()), kExitConfig);
      }
    }
    return Version{kMajor, r->minor, r->latest_patch, "", ""};
  }
  throw Error(fmt::format("invalid Kubernetes version \"{}\"", text),
              "use a version such as v1.30.2 or a label such as stable-1.30", kExitConfig);
}

}  // namespace kadm::versions
