#include "api/defaults.h"

#include <fmt/format.h>

#include <algorithm>

#include "api/bootstrap_token.h"
#include "host/system.h"
#include "util/error.h"

namespace kadm::api {

Timeouts default_timeouts() {
  using std::chrono::minutes;
  Timeouts t;
  t.control_plane_component_health_check = minutes(4);
  t.kubelet_health_check = minutes(4);
  t.kubernetes_api_call = minutes(1);
  t.etcd_api_call = minutes(2);
  t.tls_bootstrap = minutes(5);
  t.discovery = minutes(5);
  t.upgrade_manifests = minutes(5);
  return t;
}

static void fill_timeouts(std::optional<Timeouts>& t) {
  Timeouts d = default_timeouts();
  if (!t) t = Timeouts{};
  auto fill = [](std::optional<Duration>& v, const std::optional<Duration>& def) {
    if (!v) v = def;
  };
  fill(t->control_plane_component_health_check, d.control_plane_component_health_check);
  fill(t->kubelet_health_check, d.kubelet_health_check);
  fill(t->kubernetes_api_call, d.kubernetes_api_call);
  fill(t->etcd_api_call, d.etcd_api_call);
  fill(t->tls_bootstrap, d.tls_bootstrap);
  fill(t->discovery, d.discovery);
  fill(t->upgrade_manifests, d.upgrade_manifests);
}

const versions::Release& release_of(const ClusterConfiguration& c) {
  if (!c.kubernetes_version.empty()) {
    try {
      auto v = versions::resolve_version(c.kubernetes_version);
      if (const auto* r = v.major == versions::kMajor ? versions::find_release(v.minor) : nullptr)
        return *r;
    } catch (const Error&) {
      // Validation reports the bad version; defaulting falls back to the newest release.
    }
  }
  return versions::newest_release();
}

bool feature_enabled(const ClusterConfiguration& c, const std::string& gate) {
  if (auto it = c.feature_gates.find(gate); it != c.feature_gates.end()) return it->second;
  for (const auto& g : release_of(c).feature_gates)
    if (g.name == gate) return g.default_on;
  return false;
}

void set_defaults(ClusterConfiguration& c) {
  const auto& r = release_of(c);
  if (c.kubernetes_version.empty()) c.kubernetes_version = versions::default_kubernetes_version().str();
  if (c.networking.service_subnet.empty()) c.networking.service_subnet = kDefaultServiceSubnet;
  if (c.networking.dns_domain.empty()) c.networking.dns_domain = kDefaultDNSDomain;
  if (c.certificates_dir.empty()) c.certificates_dir = kDefaultCertificatesDir;
  if (c.image_repository.empty()) c.image_repository = r.default_registry;
  if (c.cluster_name.empty()) c.cluster_name = kDefaultClusterName;
  if (!c.etcd.local && !c.etcd.external) c.etcd.local = LocalEtcd{};
  if (c.etcd.local && c.etcd.local->data_dir.empty()) c.etcd.local->data_dir = kDefaultEtcdDataDir;
  if (c.encryption_algorithm.empty()) {
    // The v1beta3-era feature gate maps onto the v1beta4 field.
    auto gate = c.feature_gates.find("PublicKeysECDSA");
    c.encryption_algorithm =
        gate != c.feature_gates.end() && gate->second ? "ECDSA-P256" : kDefaultEncryptionAlgorithm;
  }
  if (!c.certificate_validity_period) c.certificate_validity_period = kDefaultCertificateValidity;
  if (!c.ca_certificate_validity_period)
    c.ca_certificate_validity_period = kDefaultCACertificateValidity;
}

static void set_node_registration_defaults(NodeRegistrationOptions& n) {
  if (n.image_pull_policy.empty()) n.image_pull_policy = kDefaultImagePullPolicy;
  if (!n.image_pull_serial) n.image_pull_serial = true;
}

void set_defaults(InitConfiguration& c, const versions::Release& /*r*/) {
  if (c.bootstrap_tokens.empty()) c.bootstrap_tokens.push_back(BootstrapToken{});
  for (auto& t : c.bootstrap_tokens) {
    if (!t.ttl && t.expires.empty()) t.ttl = kDefaultTokenTTL;
    if (t.usages.empty()) t.usages = {"signing", "authentication"};
    if (t.groups.empty()) t.groups = {kDefaultTokenGroup};
  }
  if (c.local_api_endpoint.bind_port == 0) c.local_api_endpoint.bind_port = kDefaultBindPort;
  set_node_registration_defaults(c.node_registration);
  fill_timeouts(c.timeouts);
}

void set_defaults(JoinConfiguration& c, const versions::Release& /*r*/) {
  if (c.ca_cert_path.empty()) c.ca_cert_path = kDefaultCACertPath;
  set_node_registration_defaults(c.node_registration);
  auto& d = c.discovery;
  if (d.tls_bootstrap_token.empty() && d.bootstrap_token) d.tls_bootstrap_token = d.bootstrap_token->token;
  if (d.file && d.file->kube_config_path.rfind("file://", 0) == 0)
    d.file->kube_config_path = d.file->kube_config_path.substr(7);
  if (c.control_plane && c.control_plane->local_api_endpoint.bind_port == 0)
    c.control_plane->local_api_endpoint.bind_port = kDefaultBindPort;
  // v1beta3's discovery.timeout becomes timeouts.discovery.
  if (d.timeout) {
    if (!c.timeouts) c.timeouts = Timeouts{};
    if (!c.timeouts->discovery) c.timeouts->discovery = d.timeout;
  }
  fill_timeouts(c.timeouts);
}

void set_defaults(ResetConfiguration& c, const versions::Release& /*r*/) {
  if (c.certificates_dir.empty()) c.certificates_dir = kDefaultCertificatesDir;
  fill_timeouts(c.timeouts);
}

void set_defaults(UpgradeConfiguration& c, const versions::Release& r) {
  auto& a = c.apply;
  if (!a.certificate_renewal) a.certificate_renewal = true;
  if (!a.etcd_upgrade) a.etcd_upgrade = true;
  if (a.image_pull_policy.empty()) a.image_pull_policy = kDefaultImagePullPolicy;
  if (!a.image_pull_serial) a.image_pull_serial = true;
  auto& n = c.node;
  if (!n.certificate_renewal) n.certificate_renewal = true;
  if (!n.etcd_upgrade) n.etcd_upgrade = true;
  if (n.image_pull_policy.empty()) n.image_pull_policy = kDefaultImagePullPolicy;
  if (!n.image_pull_serial) n.image_pull_serial = true;
  if (!c.plan.etcd_upgrade && r.upgrade_plan_etcd_upgrade) c.plan.etcd_upgrade = true;
  fill_timeouts(c.timeouts);
}

void set_defaults(ConfigSet& set) {
  if (!set.cluster && (set.init || !set.join)) set.cluster = ClusterConfiguration{};
  if (set.cluster) {
    // v1beta3's apiServer.timeoutForControlPlane becomes timeouts.controlPlaneComponentHealthCheck.
    if (set.cluster->api_server.timeout_for_control_plane && set.init) {
      if (!set.init->timeouts) set.init->timeouts = Timeouts{};
      if (!set.init->timeouts->control_plane_component_health_check)
        set.init->timeouts->control_plane_component_health_check =
            set.cluster->api_server.timeout_for_control_plane;
    }
    set_defaults(*set.cluster);
  }
  const auto& r = set.cluster ? release_of(*set.cluster) : versions::newest_release();
  if (set.init) set_defaults(*set.init, r);
  if (set.join) set_defaults(*set.join, r);
  if (set.reset) set_defaults(*set.reset, r);
  if (set.upgrade) set_defaults(*set.upgrade, r);
}

HostFacts real_host_facts() {
  HostFacts h;
  h.hostname = [] { return host::hostname(); };
  h.default_route_ip = [] { return host::default_route_ip(); };
  h.detect_cri_socket = [] { return std::string(); };  // filled per release below
  h.generate_token = [] { return generate_token(); };
  return h;
}

static std::string detect_cri_socket(const versions::Release& r, const HostFacts& host) {
  if (host.detect_cri_socket) {
    std::string s = host.detect_cri_socket();
    if (!s.empty()) return s;
  }
  auto found = host::existing_cri_sockets(r.known_cri_sockets);
  if (found.size() > 1) {
    std::string list;
    for (const auto& f : found) list += (list.empty() ? "" : ", ") + f;
    throw Error(fmt::format("found multiple CRI endpoints on the host: {}", list),
                "set nodeRegistration.criSocket in the configuration or pass --cri-socket",
                kExitConfig);
  }
  return found.empty() ? r.default_cri_socket : found.front();
}

static void node_dynamic_defaults(NodeRegistrationOptions& n, const versions::Release& r,
                                  const HostFacts& host) {
  if (n.name.empty()) n.name = host.hostname ? host.hostname() : "";
  if (n.cri_socket.empty()) n.cri_socket = detect_cri_socket(r, host);
}

void set_dynamic_defaults(ConfigSet& set, const HostFacts& host) {
  const auto& r = set.cluster ? release_of(*set.cluster) : versions::newest_release();
  if (set.cluster) {
    set.cluster->kubernetes_version = versions::resolve_version(set.cluster->kubernetes_version).str();
    for (auto& san : set.cluster->api_server.cert_sans)
      std::transform(san.begin(), san.end(), san.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  if (set.init) {
    auto& i = *set.init;
    node_dynamic_defaults(i.node_registration, r, host);
    auto& ep = i.local_api_endpoint;
    if (ep.advertise_address.empty() || ep.advertise_address == "0.0.0.0" || ep.advertise_address == "::") {
      std::string ip = host.default_route_ip ? host.default_route_ip() : "";
      if (ip.empty()) {
        throw Error("cannot choose an advertise address: this host has no default route",
                    "set localAPIEndpoint.advertiseAddress in the InitConfiguration or pass "
                    "--apiserver-advertise-address",
                    kExitConfig);
      }
      ep.advertise_address = ip;
    }
    for (auto& t : i.bootstrap_tokens)
      if (t.token.empty()) t.token = host.generate_token ? host.generate_token() : generate_token();
  }
  if (set.join) node_dynamic_defaults(set.join->node_registration, r, host);
}

}  // namespace kadm::api
