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
  // Init's order up to v1.27: kubelet-start, control-plane, etcd; later: etcd, control-plane,
  // kubelet-start.
  bool kubelet_start_before_manifests = false;
  // v1.20 printed the control-plane labels as "<master>=''" and "<control-plane>='' (deprecated)";
  // later releases print the list, the master label (up to v1.23) suffixed "(deprecated)".
  bool mark_labels_quoted = false;
  bool show_join_command_phase = false;
  // `config print init-defaults` of v1.21 and older ran dynamic defaulting (hostname, master
  // taint) and printed kubernetesVersion as "v1.X.0"; later releases print "node", "taints: null"
  // and "1.X.0".
  bool print_defaults_dynamic = false;
  bool upgrade_plan_etcd_upgrade = false;  // UpgradeConfiguration.plan.etcdUpgrade (v1.33+)
  std::string default_cri_socket;
  std::vector<std::string> known_cri_sockets;  // detection order
  // Container runtime (cri/endpoint.cc detects as upstream's DetectCRISocket). Up to v1.23
  // Docker's own socket stands for the dockershim endpoint (default_cri_socket; the kubelet
  // creates dockershim.sock itself) and hides the containerd that Docker ships with.
  std::string docker_socket;        // "/var/run/docker.sock" (<=1.23), else ""
  std::string docker_hides_socket;  // "/run/containerd/containerd.sock" (<=1.23), else ""
  // CRI API versions the kubelet of this minor speaks, preferred first: v1alpha2 only up to
  // v1.22, runtime.v1 preferred from v1.23 (kubernetes#106501), v1alpha2 gone in v1.26
  // (kubernetes#110618).
  std::vector<std::string> cri_api_versions;
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

  // Preflight checks (preflight/checks.go of each minor; pull requests in kubernetes/kubernetes).
  int preflight_kubelet_skew = 1;        // KubeletVersion: kubelet >= v1.(minor - skew).0 (N-3 from 1.29; #120825)
  bool preflight_bridge_netfilter = false;  // FileContent--…-bridge-nf-call-ip(6)tables (<=1.29; #123464)
  int preflight_swap_style = 0;          // preflight::SwapStyle: error (<=1.22), warning (1.23+; #104854),
                                         // NodeSwap beta text (1.29+; #120198), cgroup v2 text (1.31+; #125157)
  int preflight_crictl = 0;              // FileExisting-crictl: 2 error (<=1.30), 1 warning (1.31), 0 gone (kubeadm#3064)
  bool preflight_conntrack = false;      // FileExisting-conntrack mandatory (Kubernetes < 1.32)
  bool preflight_join_manifests_dir = false;  // join: DirAvailable--etc-kubernetes-manifests (<=1.22; #104942)
  bool preflight_hostname_format = false;     // Hostname warns about invalid node names (1.21+; #99194)
  std::string preflight_min_external_etcd;    // ExternalEtcdVersion floor (MinExternalEtcdVersion)
  // Reset (cmd/phases/reset).
  bool reset_update_cluster_status = false;  // update-cluster-status phase (<=1.22, a no-op in 1.22; #105888)
  bool reset_legacy_dirs = false;  // also cleans /var/lib/dockershim, /var/run/kubernetes, /var/lib/cni (<=1.23)

  std::vector<FeatureGate> feature_gates;

  // Static Pod manifests (phases/controlplane/manifests.go, phases/etcd/local.go,
  // util/staticpod/utils.go of the newest patch of the minor; the PRs named below).
  bool apiserver_insecure_port_zero = false;   // --insecure-port=0 (≤1.21; PR #102121)
  bool kcm_scheduler_port_zero = false;        // --port=0 (≤1.22; PRs #104157, #105034)
  bool dual_stack_gate_to_components = false;  // featureGates.IPv6DualStack → --feature-gates (≤1.22)
  bool authorization_config_replaces_mode = false;  // extraArg authorization-config drops the default mode (1.30+)
  bool user_authz_mode_verbatim = false;       // extraArgs authorization-mode passed unvalidated (1.31+)
  bool pod_seccomp_runtime_default = false;    // spec.securityContext.seccompProfile (1.22+; PR #100234)
  bool pod_priority_value = false;             // spec.priority: 2000001000 (1.25+ newest patches; PR #114338)
  bool pod_creation_timestamp_null = true;     // metadata.creationTimestamp: null (≤1.33; PR #130989)
  bool component_env_sorted = false;           // env sorted by name (MergeKubeadmEnvVars, 1.31+), else environ order
  bool etcd_ephemeral_storage_request = false; // etcd requests ephemeral-storage: 100Mi (≤1.21)
  std::string etcd_liveness_path;              // "/health" … "/livez"
  std::string etcd_startup_path;
  std::string etcd_readiness_path;             // empty: no readiness probe
  bool etcd_initial_corrupt_check = false;     // 1.22+ (PR #109074 and its 1.22/1.23 backports)
  bool etcd_watch_progress_notify = false;     // 1.25+ (PR #111383)
  // etcd 3.6 spelling (--feature-gates=InitialCorruptCheck=true, --watch-progress-notify-interval):
  // 0 never, 1 when the etcd image tag is 3.6 or newer (1.34, 1.35), 2 always (1.36; PR #135701).
  int etcd_v36_flags = 0;

  // kubelet-start (phases/kubelet/flags.go, componentconfigs/kubelet.go).
  bool kubelet_dockershim = false;             // docker socket → --network-plugin=cni (≤1.23)
  bool kubelet_pause_for_all_runtimes = false; // --pod-infra-container-image beyond docker (1.21+; PR #99476)
  bool kubelet_pod_infra_image_flag = true;    // ≤1.34 (PR #133778 removed it)
  bool kubelet_container_runtime_remote = true;  // --container-runtime=remote (≤1.26)
  bool kubelet_detect_docker_cgroup_driver = false;  // 1.20 asked `docker info` for dockershim
  bool node_local_cri_socket = false;          // criSocket in instance-config.yaml, not a flag (1.34+)
  // Zero-value fields the Go marshaller prints in KubeletConfiguration (kubelet/config/v1beta1).
  int kubelet_logging_style = 0;               // 0 `{}` (≤1.22), 1 flush/json/verbosity, 2 + text (1.28+)
  bool kubelet_memory_swap_field = false;      // memorySwap: {} (1.22+)
  bool kubelet_runtime_endpoint_field = false; // containerRuntimeEndpoint: "" (1.27+)
  bool kubelet_image_max_gc_age_field = false; // imageMaximumGCAge: 0s (1.29+)
  bool kubelet_crash_loop_backoff_field = false;  // crashLoopBackOff: {} (1.32+)

  // Online init.
  bool wait_serial_kubelet_check = false;  // v1.30+: kubelet healthz first, then the API server
  bool token_rbac_lines_capitalized = false;  // "[bootstrap-token] Configured RBAC rules …" (1.21+)
  // kube-apiserver manifest generation wrote authorization-mode into apiServer.extraArgs, so the
  // uploaded kubeadm-config carries it (seen in v1.20.2; assumed until the v1beta4 list form).
  bool uploaded_config_has_authz_mode = false;

  // Addons (phases/addons/dns and proxy; pull requests in kubernetes/kubernetes as noted;
  // v1.20 compared with upstream kubeadm v1.20.2, tests/fixtures/addons/v1.20).
  bool coredns_kube_dns_translation = false;  // read kube-dns's ConfigMap into the Corefile (≤1.20; #99646)
  bool coredns_master_toleration = false;     // node-role.kubernetes.io/master toleration (≤1.25; #112008)
  bool coredns_anti_affinity = false;         // preferred anti-affinity across hosts (1.25+; #110593)
  bool coredns_drop_all_upper = false;        // capabilities drop "ALL", not "all" (1.29+; #121384)
  bool coredns_probe_ports_named = false;     // probe containerPorts 8080/8181, probes by name (1.34+; #131587)
  bool coredns_cache_disable_domain = false;  // cache 30 { disable success|denial <dnsDomain> } (1.33+; #128359)
  bool coredns_rbac_endpointslices = false;   // list/watch discovery.k8s.io endpointslices (1.22+)
  bool coredns_rbac_get_nodes = false;        // get nodes (≤1.27; #117521)
  std::string dns_service_name_label;         // kube-dns Service label kubernetes.io/name
  bool kube_proxy_critical_addons_toleration = false;  // CriticalAddonsOnly toleration (≤1.21; #101966)
  bool kube_proxy_sa_first = false;           // SA, ConfigMap, DaemonSet; later ConfigMap, DaemonSet, SA (≤1.24; #109995)
  bool download_certs_public_0644 = false;    // download-certs writes .crt/.pub 0644; before all 0600 (1.22+; #103313)

  // Join (cmd/phases/join of each minor; docs/version-facts.md §6.10, §6.32-6.35).
  bool join_update_status_phase = false;  // control-plane-join/update-status (<=1.30, a no-op from 1.22; #101915, #124373)
  // etcd member add: 0 a voting member (<=1.26), 1 a learner, then promoted, with EtcdLearnerMode
  // (1.27-1.32), 2 always a learner (1.33+).
  int etcd_learner_join = 0;
  // ControlPlaneKubeletLocalMode (etcd-join and kubelet-wait-bootstrap phases, a control-plane
  // kubelet bootstraps against its local API server): 0 unknown (<=1.30), 1 by gate (1.31-1.35),
  // 2 always (1.36).
  int kubelet_local_mode = 0;
  // Join's wait-control-plane phase: 0 absent (<=1.29; kadm still waits for the local API server),
  // 1 all components with WaitForAllControlPlaneComponents (1.30-1.34), 2 always (1.35+).
  int join_wait_control_plane = 0;
  bool join_done_master_wording = false;  // "Control plane (master) label and taint were applied" (<=1.23)
  bool node_patch_timeout_fixed = false;  // Node patches wait PatchNodeTimeout 2m, not timeouts.kubernetesAPICall (<=1.30)
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
