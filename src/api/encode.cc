#include "api/encode.h"

#include <fmt/format.h>

namespace kadm::api {
namespace {

using nlohmann::json;

bool at_least(Schema s, Schema min) { return static_cast<int>(s) >= static_cast<int>(min); }
bool at_most(Schema s, Schema max) { return static_cast<int>(s) <= static_cast<int>(max); }

void lost(EncodeReport* r, const std::string& field, Schema s, const std::string& why = {}) {
  if (!r) return;
  bool kind = field.find_first_of(".[") == std::string::npos && field.find("Configuration") != std::string::npos;
  r->lost.push_back(fmt::format("{}: {} has no such {}{}", field, api_version(s), kind ? "kind" : "field",
                                why.empty() ? "" : "; " + why));
}

void put_str(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put_bool(json& j, const char* key, bool v) {
  if (v) j[key] = true;
}
void put_list(json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
void put_duration(json& j, const char* key, const std::optional<Duration>& d) {
  if (d) j[key] = format_duration(*d);
}
template <typename T>
void put_opt(json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = *v;
}

json encode_args(const std::vector<Arg>& args, Schema s, EncodeReport* r, const std::string& field) {
  if (at_least(s, Schema::V1beta4)) {
    json out = json::array();
    for (const auto& a : args) out.push_back({{"name", a.name}, {"value", a.value}});
    return out;
  }
  json out = json::object();
  for (const auto& a : args) {
    if (out.contains(a.name) && out[a.name] != a.value) {
      lost(r, fmt::format("{}[{}]", field, a.name), s,
           fmt::format("the mapping form holds one value per flag, kept \"{}\"", a.value));
    }
    out[a.name] = a.value;
  }
  return out;
}

json encode_volumes(const std::vector<HostPathMount>& vols) {
  json out = json::array();
  for (const auto& v : vols) {
    json j = {{"name", v.name}, {"hostPath", v.host_path}, {"mountPath", v.mount_path}};
    put_bool(j, "readOnly", v.read_only);
    put_str(j, "pathType", v.path_type);
    out.push_back(std::move(j));
  }
  return out;
}

void encode_component(json& j, const ControlPlaneComponent& c, Schema s, EncodeReport* r,
                      const std::string& field) {
  if (!c.extra_args.empty()) j["extraArgs"] = encode_args(c.extra_args, s, r, field + ".extraArgs");
  if (!c.extra_volumes.empty()) j["extraVolumes"] = encode_volumes(c.extra_volumes);
  if (!c.extra_envs.empty()) {
    if (at_least(s, Schema::V1beta4)) j["extraEnvs"] = c.extra_envs;
    else lost(r, field + ".extraEnvs", s);
  }
}

json encode_endpoint(const APIEndpoint& e) {
  json j = json::object();
  put_str(j, "advertiseAddress", e.advertise_address);
  if (e.bind_port != 0) j["bindPort"] = e.bind_port;
  return j;
}

json encode_taints(const std::vector<Taint>& taints) {
  json out = json::array();
  for (const auto& t : taints) {
    json j = {{"key", t.key}, {"effect", t.effect}};
    put_str(j, "value", t.value);
    put_str(j, "timeAdded", t.time_added);
    out.push_back(std::move(j));
  }
  return out;
}

json encode_node_registration(const NodeRegistrationOptions& n, Schema s, EncodeReport* r) {
  json j = json::object();
  put_str(j, "name", n.name);
  put_str(j, "criSocket", n.cri_socket);
  j["taints"] = n.taints ? encode_taints(*n.taints) : json(nullptr);
  if (!n.kubelet_extra_args.empty())
    j["kubeletExtraArgs"] =
        encode_args(n.kubelet_extra_args, s, r, "nodeRegistration.kubeletExtraArgs");
  put_list(j, "ignorePreflightErrors", n.ignore_preflight_errors);
  if (at_least(s, Schema::V1beta3)) {
    put_str(j, "imagePullPolicy", n.image_pull_policy);
  } else if (!n.image_pull_policy.empty()) {
    lost(r, "nodeRegistration.imagePullPolicy", s);
  }
  if (n.image_pull_serial) {
    if (at_least(s, Schema::V1beta4)) j["imagePullSerial"] = *n.image_pull_serial;
    else if (!*n.image_pull_serial) lost(r, "nodeRegistration.imagePullSerial", s);
  }
  return j;
}

json encode_patches(const Patches& p) { return json{{"directory", p.directory}}; }

json encode_timeouts(const Timeouts& t) {
  json j = json::object();
  put_duration(j, "controlPlaneComponentHealthCheck", t.control_plane_component_health_check);
  put_duration(j, "kubeletHealthCheck", t.kubelet_health_check);
  put_duration(j, "kubernetesAPICall", t.kubernetes_api_call);
  put_duration(j, "etcdAPICall", t.etcd_api_call);
  put_duration(j, "tlsBootstrap", t.tls_bootstrap);
  put_duration(j, "discovery", t.discovery);
  put_duration(j, "upgradeManifests", t.upgrade_manifests);
  return j;
}

void report_timeouts_lost(const std::optional<Timeouts>& t, Schema s, EncodeReport* r,
                          const std::string& prefix, bool keep_control_plane, bool keep_discovery) {
  if (!t) return;
  auto check = [&](const std::optional<Duration>& d, const char* name) {
    if (d) lost(r, prefix + "timeouts." + name, s);
  };
  if (!keep_control_plane) check(t->control_plane_component_health_check, "controlPlaneComponentHealthCheck");
  check(t->kubelet_health_check, "kubeletHealthCheck");
  check(t->kubernetes_api_call, "kubernetesAPICall");
  check(t->etcd_api_call, "etcdAPICall");
  check(t->tls_bootstrap, "tlsBootstrap");
  if (!keep_discovery) check(t->discovery, "discovery");
  check(t->upgrade_manifests, "upgradeManifests");
}

json header(Schema s, Kind k) { return json{{"apiVersion", api_version(s)}, {"kind", kind_name(k)}}; }

}  // namespace

json encode_init(const InitConfiguration& c, Schema s, EncodeReport* r,
                 const ClusterConfiguration* /*cluster*/) {
  json j = header(s, Kind::Init);
  if (!c.bootstrap_tokens.empty()) {
    json tokens = json::array();
    for (const auto& t : c.bootstrap_tokens) {
      json tj = {{"token", t.token}};
      put_str(tj, "description", t.description);
      put_duration(tj, "ttl", t.ttl);
      put_str(tj, "expires", t.expires);
      put_list(tj, "usages", t.usages);
      put_list(tj, "groups", t.groups);
      tokens.push_back(std::move(tj));
    }
    j["bootstrapTokens"] = std::move(tokens);
  }
  j["nodeRegistration"] = encode_node_registration(c.node_registration, s, r);
  j["localAPIEndpoint"] = encode_endpoint(c.local_api_endpoint);
  put_str(j, "certificateKey", c.certificate_key);
  if (at_least(s, Schema::V1beta3)) {
    put_list(j, "skipPhases", c.skip_phases);
    if (c.patches) j["patches"] = encode_patches(*c.patches);
  } else {
    if (!c.skip_phases.empty()) lost(r, "InitConfiguration.skipPhases", s);
    if (c.patches) lost(r, "InitConfiguration.patches", s, "use the --patches flag");
  }
  if (at_least(s, Schema::V1beta4)) {
    put_bool(j, "dryRun", c.dry_run);
    if (c.timeouts) j["timeouts"] = encode_timeouts(*c.timeouts);
  } else {
    if (c.dry_run) lost(r, "InitConfiguration.dryRun", s, "use the --dry-run flag");
    // controlPlaneComponentHealthCheck travels as ClusterConfiguration.apiServer.timeoutForControlPlane.
    report_timeouts_lost(c.timeouts, s, r, "InitConfiguration.", true, false);
  }
  return j;
}

json encode_cluster(const ClusterConfiguration& c, Schema s, EncodeReport* r,
                    const InitConfiguration* init) {
  json j = header(s, Kind::Cluster);
  json etcd = json::object();
  if (c.etcd.local) {
    const auto& l = *c.etcd.local;
    json lj = json::object();
    put_str(lj, "imageRepository", l.image_repository);
    put_str(lj, "imageTag", l.image_tag);
    lj["dataDir"] = l.data_dir;
    if (!l.extra_args.empty()) lj["extraArgs"] = encode_args(l.extra_args, s, r, "etcd.local.extraArgs");
    if (!l.extra_envs.empty()) {
      if (at_least(s, Schema::V1beta4)) lj["extraEnvs"] = l.extra_envs;
      else lost(r, "etcd.local.extraEnvs", s);
    }
    put_list(lj, "serverCertSANs", l.server_cert_sans);
    put_list(lj, "peerCertSANs", l.peer_cert_sans);
    etcd["local"] = std::move(lj);
  }
  if (c.etcd.external) {
    const auto& x = *c.etcd.external;
    json xj = {{"endpoints", x.endpoints.empty() ? json(nullptr) : json(x.endpoints)},
               {"caFile", x.ca_file},
               {"certFile", x.cert_file},
               {"keyFile", x.key_file}};
    if (!x.http_endpoints.empty()) {
      if (at_least(s, Schema::V1beta4)) xj["httpEndpoints"] = x.http_endpoints;
      else lost(r, "etcd.external.httpEndpoints", s);
    }
    etcd["external"] = std::move(xj);
  }
  j["etcd"] = std::move(etcd);
  json net = json::object();
  put_str(net, "serviceSubnet", c.networking.service_subnet);
  put_str(net, "podSubnet", c.networking.pod_subnet);
  put_str(net, "dnsDomain", c.networking.dns_domain);
  j["networking"] = std::move(net);
  put_str(j, "kubernetesVersion", c.kubernetes_version);
  put_str(j, "controlPlaneEndpoint", c.control_plane_endpoint);

  json api = json::object();
  encode_component(api, c.api_server, s, r, "apiServer");
  put_list(api, "certSANs", c.api_server.cert_sans);
  if (at_most(s, Schema::V1beta3)) {
    std::optional<Duration> t = c.api_server.timeout_for_control_plane;
    if (init && init->timeouts && init->timeouts->control_plane_component_health_check)
      t = init->timeouts->control_plane_component_health_check;
    put_duration(api, "timeoutForControlPlane", t);
  }
  j["apiServer"] = std::move(api);
  json cm = json::object();
  encode_component(cm, c.controller_manager, s, r, "controllerManager");
  j["controllerManager"] = std::move(cm);
  json sched = json::object();
  encode_component(sched, c.scheduler, s, r, "scheduler");
  j["scheduler"] = std::move(sched);

  json dns = json::object();
  if (at_most(s, Schema::V1beta2)) {
    dns["type"] = c.dns.type.empty() ? "CoreDNS" : c.dns.type;
  } else if (!c.dns.type.empty() && c.dns.type != "CoreDNS") {
    lost(r, "dns.type", s, "only CoreDNS is supported since Kubernetes v1.21");
  }
  put_str(dns, "imageRepository", c.dns.image_repository);
  put_str(dns, "imageTag", c.dns.image_tag);
  if (at_least(s, Schema::V1beta4)) {
    put_bool(dns, "disabled", c.dns.disabled);
    json proxy = json::object();
    put_bool(proxy, "disabled", c.proxy.disabled);
    j["proxy"] = std::move(proxy);
  } else {
    if (c.dns.disabled) lost(r, "dns.disabled", s, "use --skip-phases=addon/coredns");
    if (c.proxy.disabled) lost(r, "proxy.disabled", s, "use --skip-phases=addon/kube-proxy");
  }
  j["dns"] = std::move(dns);
  put_str(j, "certificatesDir", c.certificates_dir);
  put_str(j, "imageRepository", c.image_repository);
  if (c.use_hyperkube_image) {
    if (at_most(s, Schema::V1beta2)) j["useHyperKubeImage"] = true;
    else lost(r, "useHyperKubeImage", s, "hyperkube images are gone since Kubernetes v1.17");
  }
  json gates = json::object();
  for (const auto& [name, on] : c.feature_gates) gates[name] = on;
  if (at_least(s, Schema::V1beta4)) {
    put_str(j, "encryptionAlgorithm", c.encryption_algorithm);
    put_duration(j, "certificateValidityPeriod", c.certificate_validity_period);
    put_duration(j, "caCertificateValidityPeriod", c.ca_certificate_validity_period);
  } else {
    const std::string& algo = c.encryption_algorithm;
    if (algo == "ECDSA-P256") {
      gates["PublicKeysECDSA"] = true;  // the v1beta3-era switch for ECDSA keys
    } else if (!algo.empty() && algo != "RSA-2048") {
      lost(r, "encryptionAlgorithm", s, "only RSA-2048 and ECDSA-P256 can be expressed");
    }
    if (c.certificate_validity_period &&
        *c.certificate_validity_period != std::chrono::hours(8760))
      lost(r, "certificateValidityPeriod", s);
    if (c.ca_certificate_validity_period &&
        *c.ca_certificate_validity_period != std::chrono::hours(87600))
      lost(r, "caCertificateValidityPeriod", s);
  }
  if (!gates.empty()) j["featureGates"] = std::move(gates);
  put_str(j, "clusterName", c.cluster_name);
  return j;
}

json encode_join(const JoinConfiguration& c, Schema s, EncodeReport* r) {
  json j = header(s, Kind::Join);
  j["nodeRegistration"] = encode_node_registration(c.node_registration, s, r);
  put_str(j, "caCertPath", c.ca_cert_path);
  json d = json::object();
  if (c.discovery.bootstrap_token) {
    const auto& b = *c.discovery.bootstrap_token;
    json bj = {{"token", b.token}};
    put_str(bj, "apiServerEndpoint", b.api_server_endpoint);
    put_list(bj, "caCertHashes", b.ca_cert_hashes);
    put_bool(bj, "unsafeSkipCAVerification", b.unsafe_skip_ca_verification);
    d["bootstrapToken"] = std::move(bj);
  }
  if (c.discovery.file) d["file"] = json{{"kubeConfigPath", c.discovery.file->kube_config_path}};
  put_str(d, "tlsBootstrapToken", c.discovery.tls_bootstrap_token);
  if (at_most(s, Schema::V1beta3)) {
    std::optional<Duration> t = c.discovery.timeout;
    if (c.timeouts && c.timeouts->discovery) t = c.timeouts->discovery;
    put_duration(d, "timeout", t);
  }
  j["discovery"] = std::move(d);
  if (c.control_plane) {
    json cp = {{"localAPIEndpoint", encode_endpoint(c.control_plane->local_api_endpoint)}};
    put_str(cp, "certificateKey", c.control_plane->certificate_key);
    j["controlPlane"] = std::move(cp);
  }
  if (at_least(s, Schema::V1beta3)) {
    put_list(j, "skipPhases", c.skip_phases);
    if (c.patches) j["patches"] = encode_patches(*c.patches);
  } else {
    if (!c.skip_phases.empty()) lost(r, "JoinConfiguration.skipPhases", s);
    if (c.patches) lost(r, "JoinConfiguration.patches", s, "use the --patches flag");
  }
  if (at_least(s, Schema::V1beta4)) {
    put_bool(j, "dryRun", c.dry_run);
    if (c.timeouts) j["timeouts"] = encode_timeouts(*c.timeouts);
  } else {
    if (c.dry_run) lost(r, "JoinConfiguration.dryRun", s, "use the --dry-run flag");
    report_timeouts_lost(c.timeouts, s, r, "JoinConfiguration.", false, true);
  }
  return j;
}

json encode_reset(const ResetConfiguration& c, Schema s, EncodeReport* r) {
  if (!at_least(s, Schema::V1beta4)) {
    lost(r, "ResetConfiguration", s, "pass reset options as flags");
    return nullptr;
  }
  json j = header(s, Kind::Reset);
  put_bool(j, "cleanupTmpDir", c.cleanup_tmp_dir);
  put_str(j, "certificatesDir", c.certificates_dir);
  put_str(j, "criSocket", c.cri_socket);
  put_bool(j, "dryRun", c.dry_run);
  put_bool(j, "force", c.force);
  put_list(j, "ignorePreflightErrors", c.ignore_preflight_errors);
  put_list(j, "skipPhases", c.skip_phases);
  put_list(j, "unmountFlags", c.unmount_flags);
  if (c.timeouts) j["timeouts"] = encode_timeouts(*c.timeouts);
  return j;
}

json encode_upgrade(const UpgradeConfiguration& c, Schema s, EncodeReport* r) {
  if (!at_least(s, Schema::V1beta4)) {
    lost(r, "UpgradeConfiguration", s, "pass upgrade options as flags");
    return nullptr;
  }
  json j = header(s, Kind::Upgrade);
  json a = json::object();
  put_str(a, "kubernetesVersion", c.apply.kubernetes_version);
  put_opt(a, "allowExperimentalUpgrades", c.apply.allow_experimental_upgrades);
  put_opt(a, "allowRCUpgrades", c.apply.allow_rc_upgrades);
  put_opt(a, "certificateRenewal", c.apply.certificate_renewal);
  put_opt(a, "dryRun", c.apply.dry_run);
  put_opt(a, "etcdUpgrade", c.apply.etcd_upgrade);
  put_opt(a, "forceUpgrade", c.apply.force_upgrade);
  put_list(a, "ignorePreflightErrors", c.apply.ignore_preflight_errors);
  if (c.apply.patches) a["patches"] = encode_patches(*c.apply.patches);
  put_opt(a, "printConfig", c.apply.print_config);
  put_list(a, "skipPhases", c.apply.skip_phases);
  put_str(a, "imagePullPolicy", c.apply.image_pull_policy);
  put_opt(a, "imagePullSerial", c.apply.image_pull_serial);
  j["apply"] = std::move(a);
  json d = json::object();
  put_str(d, "kubernetesVersion", c.diff.kubernetes_version);
  if (c.diff.context_lines != 0) d["contextLines"] = c.diff.context_lines;
  j["diff"] = std::move(d);
  json n = json::object();
  put_opt(n, "certificateRenewal", c.node.certificate_renewal);
  put_opt(n, "dryRun", c.node.dry_run);
  put_opt(n, "etcdUpgrade", c.node.etcd_upgrade);
  put_list(n, "ignorePreflightErrors", c.node.ignore_preflight_errors);
  put_list(n, "skipPhases", c.node.skip_phases);
  if (c.node.patches) n["patches"] = encode_patches(*c.node.patches);
  put_str(n, "imagePullPolicy", c.node.image_pull_policy);
  put_opt(n, "imagePullSerial", c.node.image_pull_serial);
  j["node"] = std::move(n);
  json p = json::object();
  put_str(p, "kubernetesVersion", c.plan.kubernetes_version);
  put_opt(p, "allowExperimentalUpgrades", c.plan.allow_experimental_upgrades);
  put_opt(p, "allowRCUpgrades", c.plan.allow_rc_upgrades);
  put_opt(p, "dryRun", c.plan.dry_run);
  put_list(p, "ignorePreflightErrors", c.plan.ignore_preflight_errors);
  put_opt(p, "printConfig", c.plan.print_config);
  put_opt(p, "etcdUpgrade", c.plan.etcd_upgrade);
  j["plan"] = std::move(p);
  if (c.timeouts) j["timeouts"] = encode_timeouts(*c.timeouts);
  return j;
}

std::vector<json> encode_set(const ConfigSet& in, Schema s, EncodeReport* report) {
  ConfigSet set = in;
  if (at_least(s, Schema::V1beta4)) {
    // v1beta4 moved the v1beta3 timeouts into the timeouts blocks of Init/JoinConfiguration.
    if (set.cluster && set.cluster->api_server.timeout_for_control_plane) {
      if (!set.init) set.init = InitConfiguration{};
      if (!set.init->timeouts) set.init->timeouts = Timeouts{};
      if (!set.init->timeouts->control_plane_component_health_check)
        set.init->timeouts->control_plane_component_health_check = set.cluster->api_server.timeout_for_control_plane;
      set.cluster->api_server.timeout_for_control_plane.reset();
    }
    if (set.join && set.join->discovery.timeout) {
      if (!set.join->timeouts) set.join->timeouts = Timeouts{};
      if (!set.join->timeouts->discovery) set.join->timeouts->discovery = set.join->discovery.timeout;
      set.join->discovery.timeout.reset();
    }
  }
  std::vector<json> docs;
  const InitConfiguration* init = set.init ? &*set.init : nullptr;
  if (set.init) docs.push_back(encode_init(*set.init, s, report));
  if (set.cluster) docs.push_back(encode_cluster(*set.cluster, s, report, init));
  if (set.join) docs.push_back(encode_join(*set.join, s, report));
  if (set.reset) {
    if (auto j = encode_reset(*set.reset, s, report); !j.is_null()) docs.push_back(std::move(j));
  }
  if (set.upgrade) {
    if (auto j = encode_upgrade(*set.upgrade, s, report); !j.is_null()) docs.push_back(std::move(j));
  }
  if (set.kubelet) docs.push_back(*set.kubelet);
  if (set.kube_proxy) docs.push_back(*set.kube_proxy);
  return docs;
}

}  // namespace kadm::api
