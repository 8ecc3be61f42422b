#include "phases/join/data.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "api/defaults.h"
#include "api/validate.h"
#include "api/yaml_reader.h"
#include "cli/config_flags.h"
#include "host/fs.h"
#include "host/system.h"
#include "util/error.h"
#include "util/log.h"
#include "util/net.h"

namespace kadm::phases {

JoinOptions& join_options() {
  static JoinOptions o;
  return o;
}

namespace {

// Flags that may accompany --config (upstream ValidateMixedArguments / isAllowedFlag).
const std::vector<std::string> kAllowedWithConfig = {"config",
                                                     "ignore-preflight-errors",
                                                     "dry-run",
                                                     "kubeconfig",
                                                     "node-name",
                                                     "cri-socket",
                                                     "kubeconfig-dir",
                                                     "upload-certs",
                                                     "patches",
                                                     "experimental-patches",
                                                     "print-join-command"};

std::string indent(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    out += "\t" + text.substr(start, nl == std::string::npos ? std::string::npos : nl - start + 1);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

// The JoinConfiguration the flags describe (no --config).
api::JoinConfiguration from_flags(const cli::Invocation& inv, const JoinOptions& o) {
  api::JoinConfiguration j;
  j.node_registration.name = o.node_name;
  j.node_registration.cri_socket = o.cri_socket;
  std::string discovery_token = o.discovery_token.empty() ? o.token : o.discovery_token;
  if (!inv.args().empty()) {
    api::BootstrapTokenDiscovery b;
    b.token = discovery_token;
    b.api_server_endpoint = inv.args().front();
    b.ca_cert_hashes = o.ca_cert_hashes;
    b.unsafe_skip_ca_verification = o.unsafe_skip_ca_verification;
    j.discovery.bootstrap_token = b;
  }
  if (!o.discovery_file.empty()) j.discovery.file = api::FileDiscovery{o.discovery_file};
  j.discovery.tls_bootstrap_token = o.tls_bootstrap_token.empty() ? o.token : o.tls_bootstrap_token;
  if (o.control_plane) {
    api::JoinControlPlane cp;
    cp.local_api_endpoint.advertise_address = o.advertise_address;
    cp.local_api_endpoint.bind_port = o.bind_port;
    cp.certificate_key = o.certificate_key;
    j.control_plane = cp;
  } else if (inv.changed("certificate-key") || inv.changed("apiserver-advertise-address") ||
             inv.changed("apiserver-bind-port")) {
    log::warning(
        "[preflight] WARNING: --control-plane is also required when passing control-plane related "
        "flags "
        "such as [certificate-key, apiserver-advertise-address, apiserver-bind-port]");
  }
  return j;
}

// Token and CA-hash mistakes get kadm's own messages (and exit code) before validation, which
// would echo the token.
void check_discovery_inputs(const api::JoinConfiguration& j, bool from_file) {
  if (j.discovery.bootstrap_token) {
    const auto& b = *j.discovery.bootstrap_token;
    if (!b.token.empty())
      discovery::check_token_input(
          b.token, from_file ? "discovery.bootstrapToken.token" : "--token / --discovery-token");
    discovery::check_pin_inputs(b.ca_cert_hashes, from_file
                                                      ? "discovery.bootstrapToken.caCertHashes"
                                                      : "--discovery-token-ca-cert-hash");
  }
  if (!j.discovery.tls_bootstrap_token.empty())
    discovery::check_token_input(
        j.discovery.tls_bootstrap_token,
        from_file ? "discovery.tlsBootstrapToken" : "--token / --tls-bootstrap-token");
}

}  // namespace

JoinData::JoinData(const cli::Invocation& inv) : inv_(&inv) {
  const JoinOptions& o = join_options();
  cli::check_config_mixing(inv, kAllowedWithConfig);
  api::ConfigSet set;
  bool from_file = !o.config_path.empty();
  if (from_file) {
    set = cli::load_config_or_throw(o.config_path);
    if (!set.join) {
      throw Error(fmt::format("{} holds no JoinConfiguration", o.config_path),
                  "kadm join --config needs a JoinConfiguration document (kubeadm.k8s.io v1beta1 … "
                  "v1beta4)",
                  kExitConfig);
    }
    // A join file may carry other documents (a whole init file); join uses only its own.
    set.init.reset();
    set.cluster.reset();
  } else {
    set.join = from_flags(inv, o);
  }
  auto& j = *set.join;
  // Flags allowed together with --config override the file.
  if (inv.changed("node-name")) j.node_registration.name = o.node_name;
  if (inv.changed("cri-socket")) j.node_registration.cri_socket = o.cri_socket;
  std::string patches = !o.patches.empty() ? o.patches : o.experimental_patches;
  if (!patches.empty()) j.patches = api::Patches{patches};

  // Phases without discovery flags read the cluster through admin.conf (upstream: "found
  // discovery flags missing for this command. using FileDiscovery").
  if (!inv.command().find_flag("discovery-file") && inv.command().name != "join") {
    if (!host::exists(paths.admin_kubeconfig())) {
      throw Error(
          fmt::format(
              "File {} does not exists. Please use 'kubeadm join phase control-plane-prepare' "
              "subcommands to generate it.",
              paths.admin_kubeconfig()),
          "run 'kadm join phase control-plane-prepare all' first", kExitConfig);
    }
    j.discovery.bootstrap_token.reset();
    j.discovery.file = api::FileDiscovery{paths.admin_kubeconfig()};
  }

  check_discovery_inputs(j, from_file);
  api::set_defaults(set);
  if (j.node_registration.name.empty()) {
    log::v(1, "[preflight] found NodeName empty; using OS hostname as NodeName");
    j.node_registration.name = host::hostname();
  }
  if (j.control_plane) {
    auto& ep = j.control_plane->local_api_endpoint;
    if (ep.advertise_address.empty() || ep.advertise_address == "0.0.0.0" ||
        ep.advertise_address == "::") {
      log::v(1,
             "[preflight] found advertiseAddress empty; using default interface's IP address as "
             "advertiseAddress");
      ep.advertise_address = host::default_route_ip();
      if (ep.advertise_address.empty())
        throw Error("cannot choose an advertise address: this host has no default route",
                    "pass --apiserver-advertise-address or set "
                    "controlPlane.localAPIEndpoint.advertiseAddress",
                    kExitConfig);
    }
  }
  api::check_valid(set);
  cfg = j;
  for (const auto& e : o.ignore_preflight_errors) ignore_preflight_errors.push_back(e);
  for (const auto& e : cfg.node_registration.ignore_preflight_errors)
    ignore_preflight_errors.push_back(e);
  dry_run = o.dry_run || cfg.dry_run;
  if (cfg.patches) patches_dir = cfg.patches->directory;
  if (cfg.timeouts && cfg.timeouts->discovery) discovery_options.timeout = *cfg.timeouts->discovery;
  discovery_options.sleep = [this](Duration d) {
    waited += d;
    std::this_thread::sleep_for(d);
  };

  // With --control-plane and an admin.conf on disk (phases run one by one), upstream skips
  // discovery and reads the cluster with admin.conf.
  if (control_plane() && host::exists(paths.admin_kubeconfig()) && !dry_run) {
    log::v(1, "[preflight] found {}. Use it for skipping discovery", paths.admin_kubeconfig());
    tls_bootstrap_ = kubeconfig::load(paths.admin_kubeconfig());
  }
}

JoinData::~JoinData() {
  if (!dry_run_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dry_run_dir_, ec);
  }
}

kubeconfig::Config& JoinData::tls_bootstrap_config() {
  if (!tls_bootstrap_) {
    log::v(1, "[preflight] Discovering cluster-info");
    tls_bootstrap_ = discovery::tls_bootstrap_config(cfg, discovery_options);
  }
  return *tls_bootstrap_;
}

kube::Client& JoinData::bootstrap_client() {
  if (!bootstrap_client_) {
    auto& config = tls_bootstrap_config();
    auto cur = kubeconfig::current(config, "the TLS bootstrap kubeconfig");
    net::TlsConfig tls;
    tls.ca_pem = cur.ca_pem;
    tls.client_cert_pem = cur.cert_pem;
    tls.client_key_pem = cur.key_pem;
    bootstrap_client_ = kube::make_client(cur.cluster.server, tls, cur.user.token);
  }
  return *bootstrap_client_;
}

kube::Client& JoinData::admin_client() {
  if (admin_client_) return *admin_client_;
  if (dry_run) {
    // Reads go to the cluster with the bootstrap identity (what it may read); writes are printed.
    kube::Client* reader = &bootstrap_client();
    std::string node = cfg.node_registration.name;
    admin_client_ = kube::make_dry_run_client(
        [reader, node](const kube::Ref& ref) -> std::optional<kube::json> {
          auto r = reader->get(ref);
          if (r.status.ok()) return r.object;
          if (ref.resource == "nodes" && ref.name == node)
            return kube::json{
                {"apiVersion", "v1"},
                {"kind", "Node"},
                {"metadata", {{"name", node}, {"labels", {{"kubernetes.io/hostname", node}}}}}};
          return std::nullopt;
        });
    return *admin_client_;
  }
  admin_client_ = kube::from_kubeconfig(paths.admin_kubeconfig());
  return *admin_client_;
}

void JoinData::fetch_cluster_configuration() {
  auto& client = bootstrap_client();
  log::progress("[preflight] Reading configuration from the cluster...");
  log::progress(
      "[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm "
      "kubeadm-config "
      "-o yaml'");
  // upstream GetConfigMapWithRetry: a short backoff (10 ms, ×5, 4 steps) for transient errors.
  auto get = [&](const std::string& name) {
    kube::Result r;
    auto wait = std::chrono::milliseconds(10);
    for (int i = 0; i < 4; ++i) {
      r = client.get(kube::Ref{"v1", "configmaps", "kube-system", name});
      if (r.status.ok() || r.status.not_found() || r.status.forbidden() || r.status.code == 401)
        break;
      std::this_thread::sleep_for(wait);
      wait *= 5;
    }
    return r;
  };
  auto r = get("kubeadm-config");
  if (!r.status.ok()) {
    std::string hint =
        r.status.forbidden() || r.status.code == 401
            ? "the bootstrap token may not read kube-system/kubeadm-config: the token lacks the "
              "authentication usage or the group system:bootstrappers:kubeadm:default-node-token, "
              "or "
              "the cluster's RBAC was not set up by kubeadm/kadm init"
            : "was this cluster created by kubeadm or kadm init?";
    throw Error(
        fmt::format("unable to fetch the kubeadm-config ConfigMap: {}", r.status.describe()), hint);
  }
  const auto data = r.object.value("data", kube::json::object());
  if (!data.contains("ClusterConfiguration") || !data["ClusterConfiguration"].is_string())
    throw Error(
        "unexpected error when reading kubeadm-config ConfigMap: ClusterConfiguration key value "
        "pair missing");
  api::ConfigSet set = api::load_config_text(data["ClusterConfiguration"].get<std::string>(),
                                             "kubeadm-config ConfigMap (kube-system)");
  if (!set.cluster)
    throw Error("the kubeadm-config ConfigMap holds no ClusterConfiguration",
                "was this cluster created by kubeadm?");
  set.join = cfg;
  api::set_defaults(set);
  // The release decides the CRI socket default and its detection (v1.20: no unix:// scheme).
  api::set_dynamic_defaults(set, api::real_host_facts());
  auto& cluster = *set.cluster;
  release_ = &versions::release_for(versions::resolve_version(cluster.kubernetes_version));
  cfg.node_registration.cri_socket = set.join->node_registration.cri_socket;
  // upstream SetClusterDynamicDefaults: a controlPlaneEndpoint without a port gets the local bind
  // port.
  if (!cluster.control_plane_endpoint.empty()) {
    std::string host;
    int port = 0;
    if (!net::split_host_port(cluster.control_plane_endpoint, &host, &port)) {
      int bind = cfg.control_plane ? cfg.control_plane->local_api_endpoint.bind_port
                                   : api::kDefaultBindPort;
      cluster.control_plane_endpoint = net::join_host_port(cluster.control_plane_endpoint, bind);
    }
  }
  cluster_ = cluster;

  std::string versioned = fmt::format("kubelet-config-1.{}", release_->minor);
  std::string first = release_->versioned_kubelet_configmap ? versioned : "kubelet-config";
  std::string second = release_->versioned_kubelet_configmap ? "kubelet-config" : versioned;
  auto k = get(first);
  if (k.status.not_found()) k = get(second);
  if (k.status.ok()) {
    const auto kdata = k.object.value("data", kube::json::object());
    if (kdata.contains("kubelet") && kdata["kubelet"].is_string()) {
      auto docs =
          api::parse_documents(kdata["kubelet"].get<std::string>(), "the kubelet ConfigMap");
      if (!docs.empty()) kubelet_config_ = api::to_json(docs.front().root);
    }
  } else if (!k.status.not_found()) {
    throw Error(fmt::format("failed to get component configs: the {} ConfigMap: {}", first,
                            k.status.describe()));
  }

  api::InitConfiguration init;
  init.node_registration = cfg.node_registration;
  if (cfg.control_plane) init.local_api_endpoint = cfg.control_plane->local_api_endpoint;
  init.timeouts = cfg.timeouts;
  init.patches = cfg.patches;
  init.certificate_key = certificate_key();
  init_ = init;

  // The bootstrap kubeconfig's cluster takes the cluster's name (upstream renames it).
  auto& tb = tls_bootstrap_config();
  if (tb.clusters.size() == 1 && tb.clusters.front().name == discovery::kDefaultClusterName &&
      !cluster.cluster_name.empty()) {
    for (auto& c : tb.contexts)
      if (c.cluster == tb.clusters.front().name) c.cluster = cluster.cluster_name;
    tb.clusters.front().name = cluster.cluster_name;
  }
}

const api::InitConfiguration& JoinData::init_cfg() {
  if (!init_) fetch_cluster_configuration();
  return *init_;
}
const api::ClusterConfiguration& JoinData::cluster() {
  if (!cluster_) fetch_cluster_configuration();
  return *cluster_;
}
const std::optional<nlohmann::json>& JoinData::cluster_kubelet_config() {
  if (!cluster_) fetch_cluster_configuration();
  return kubelet_config_;
}
const versions::Release& JoinData::release() {
  if (!release_) fetch_cluster_configuration();
  return *release_;
}
std::string JoinData::kubernetes_version() {
  return versions::resolve_version(cluster().kubernetes_version).str();
}

namespace {
Duration timeout_or(const std::optional<api::Timeouts>& t,
                    std::optional<Duration> api::Timeouts::*field, Duration def) {
  if (t && (*t).*field) return *((*t).*field);
  return def;
}
}  // namespace

Duration JoinData::api_timeout() const {
  return timeout_or(cfg.timeouts, &api::Timeouts::kubernetes_api_call, std::chrono::minutes(1));
}
Duration JoinData::tls_bootstrap_timeout() const {
  return timeout_or(cfg.timeouts, &api::Timeouts::tls_bootstrap, std::chrono::minutes(5));
}
Duration JoinData::etcd_timeout() const {
  return timeout_or(cfg.timeouts, &api::Timeouts::etcd_api_call, std::chrono::minutes(2));
}
Duration JoinData::control_plane_timeout() const {
  return timeout_or(cfg.timeouts, &api::Timeouts::control_plane_component_health_check,
                    std::chrono::minutes(4));
}
Duration JoinData::kubelet_timeout() const {
  return timeout_or(cfg.timeouts, &api::Timeouts::kubelet_health_check, std::chrono::minutes(4));
}

std::string JoinData::dry_run_dir() {
  if (dry_run_dir_.empty()) {
    const char* tmp = getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/kadm-join-dryrun-XXXXXX";
    if (!mkdtemp(tmpl.data()))
      throw Error("cannot create a temporary directory for --dry-run in " + tmpl);
    dry_run_dir_ = tmpl;
  }
  return dry_run_dir_;
}

void JoinData::write_file(const std::string& path, const std::string& content, mode_t mode,
                          bool secret) {
  if (!dry_run) {
    host::write_file_atomic(path, content, mode);
    return;
  }
  std::string body =
      secret ? fmt::format("\t<{} bytes withheld: the file holds credentials>\n", content.size())
             : indent(content);
  log::progress("[dryrun] Would write file \"{}\" with mode {:04o}:\n{}", path,
                static_cast<unsigned>(mode), body);
}

std::string JoinData::cert_dir() {
  return dry_run ? dry_run_dir() + "/pki" : cluster().certificates_dir;
}
std::string JoinData::kubeconfig_write_dir() {
  return dry_run ? dry_run_dir() : paths.kubeconfig_dir;
}
std::string JoinData::manifest_write_dir() {
  return dry_run ? dry_run_dir() + "/manifests" : paths.manifest_dir();
}

}  // namespace kadm::phases
