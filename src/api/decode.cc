#include "api/decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace kadm::api {
namespace {

bool at_least(Schema s, Schema min) { return static_cast<int>(s) >= static_cast<int>(min); }
bool at_most(Schema s, Schema max) { return static_cast<int>(s) <= static_cast<int>(max); }

// Calls fn(item_node, item) for every item of a list field.
template <typename T, typename Fn>
void decode_list(const Node& n, std::vector<T>& out, Fn fn) {
  out.clear();
  if (n.is_null()) return;
  if (!n.yaml().IsSequence()) n.fail("expected a list");
  for (size_t i = 0; i < n.yaml().size(); ++i) {
    T value{};
    fn(n.item(i, n.yaml()[i]), value);
    out.push_back(std::move(value));
  }
}

// extraArgs: a mapping up to v1beta3, a list of {name, value} from v1beta4 on.
void decode_args(const Node& n, std::vector<Arg>& out, Schema s) {
  out.clear();
  if (n.is_null()) return;
  if (at_least(s, Schema::V1beta4)) {
    if (n.yaml().IsMap()) {
      n.fail("in kubeadm.k8s.io/v1beta4 extra arguments are a list of {name, value}, got a mapping",
             "write each as \"- name: <flag>\" and \"value: <value>\", or use apiVersion "
             "kubeadm.k8s.io/v1beta3 for the mapping form");
    }
    decode_list(n, out, [](const Node& item, Arg& arg) {
      MapReader m(item);
      m.field("name", arg.name);
      m.field("value", arg.value);
      m.finish();
    });
    return;
  }
  if (n.yaml().IsSequence()) {
    n.fail(fmt::format("in kubeadm.k8s.io/{} extra arguments are a mapping of flag names to values, "
                       "got a list",
                       schema_name(s)),
           "write \"<flag>: <value>\" pairs, or use apiVersion kubeadm.k8s.io/v1beta4 for the list form");
  }
  std::map<std::string, std::string> map;
  decode(n, map);
  // Go maps have no order; upstream's conversion to the list form sorts by name.
  for (auto& [k, v] : map) out.push_back(Arg{k, v});
}

void decode_volume(const Node& n, HostPathMount& v) {
  MapReader m(n);
  m.field("name", v.name);
  m.field("hostPath", v.host_path);
  m.field("mountPath", v.mount_path);
  m.field("readOnly", v.read_only);
  m.field("pathType", v.path_type);
  // v1alpha2/v1alpha3 said "writable" (the opposite of readOnly).
  bool writable = true;
  if (m.field("writable", writable)) v.read_only = !writable;
  m.finish();
}

void decode_component(MapReader& m, ControlPlaneComponent& c, Schema s) {
  if (auto n = m.take("extraArgs")) decode_args(*n, c.extra_args, s);
  if (auto n = m.take("extraVolumes")) decode_list(*n, c.extra_volumes, decode_volume);
  if (at_least(s, Schema::V1beta4)) m.field("extraEnvs", c.extra_envs);
}

void decode_component(const Node& n, ControlPlaneComponent& c, Schema s) {
  MapReader m(n);
  decode_component(m, c, s);
  m.finish();
}

void decode_api_server(const Node& n, APIServer& a, Schema s) {
  MapReader m(n);
  decode_component(m, a, s);
  m.field("certSANs", a.cert_sans);
  if (at_most(s, Schema::V1beta3)) m.field("timeoutForControlPlane", a.timeout_for_control_plane);
  m.finish();
}

void decode_image_meta(MapReader& m, ImageMeta& im) {
  m.field("imageRepository", im.image_repository);
  m.field("imageTag", im.image_tag);
}

void decode_etcd(const Node& n, Etcd& e, Schema s) {
  MapReader m(n);
  if (auto local = m.take("local"); local && !local->is_null()) {
    LocalEtcd l;
    MapReader lm(*local);
    if (at_most(s, Schema::V1alpha3)) {
      // v1alpha2/3 named the full image ("image: repo/etcd:tag").
      if (auto img = lm.take("image")) {
        std::string image = img->as_string();
        auto colon = image.rfind(':');
        auto slash = image.rfind('/');
        if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
          l.image_tag = image.substr(colon + 1);
          image = image.substr(0, colon);
        }
        if (slash != std::string::npos) l.image_repository = image.substr(0, slash);
      }
    } else {
      decode_image_meta(lm, l);
    }
    lm.field("dataDir", l.data_dir);
    if (auto a = lm.take("extraArgs")) decode_args(*a, l.extra_args, s);
    if (at_least(s, Schema::V1beta4)) lm.field("extraEnvs", l.extra_envs);
    lm.field("serverCertSANs", l.server_cert_sans);
    lm.field("peerCertSANs", l.peer_cert_sans);
    lm.finish();
    e.local = std::move(l);
  }
  if (auto ext = m.take("external"); ext && !ext->is_null()) {
    ExternalEtcd x;
    MapReader xm(*ext);
    xm.field("endpoints", x.endpoints);
    if (at_least(s, Schema::V1beta4)) xm.field("httpEndpoints", x.http_endpoints);
    xm.field("caFile", x.ca_file);
    xm.field("certFile", x.cert_file);
    xm.field("keyFile", x.key_file);
    xm.finish();
    e.external = std::move(x);
  }
  m.finish();
}

void decode_networking(const Node& n, Networking& net) {
  MapReader m(n);
  m.field("serviceSubnet", net.service_subnet);
  m.field("podSubnet", net.pod_subnet);
  m.field("dnsDomain", net.dns_domain);
  m.finish();
}

void decode_endpoint(const Node& n, APIEndpoint& e) {
  MapReader m(n);
  m.field("advertiseAddress", e.advertise_address);
  m.field("bindPort", e.bind_port);
  m.finish();
}

void decode_taint(const Node& n, Taint& t) {
  MapReader m(n);
  m.field("key", t.key);
  m.field("value", t.value);
  m.field("effect", t.effect);
  m.field("timeAdded", t.time_added);
  m.finish();
}

void decode_node_registration(const Node& n, NodeRegistrationOptions& r, Schema s) {
  MapReader m(n);
  m.field("name", r.name);
  m.field("criSocket", r.cri_socket);
  if (auto t = m.take("taints")) {
    if (t->is_null()) {
      r.taints.reset();
    } else {
      std::vector<Taint> taints;
      decode_list(*t, taints, decode_taint);
      r.taints = std::move(taints);
    }
  }
  if (auto a = m.take("kubeletExtraArgs")) decode_args(*a, r.kubelet_extra_args, s);
  if (at_least(s, Schema::V1beta2)) m.field("ignorePreflightErrors", r.ignore_preflight_errors);
  if (at_least(s, Schema::V1beta3) || s == Schema::V1alpha2)
    m.field("imagePullPolicy", r.image_pull_policy);
  if (at_least(s, Schema::V1beta4)) m.field("imagePullSerial", r.image_pull_serial);
  m.finish();
}

void decode_bootstrap_token(const Node& n, BootstrapToken& t) {
  MapReader m(n);
  m.field("token", t.token);
  m.field("description", t.description);
  m.field("ttl", t.ttl);
  m.field("expires", t.expires);
  m.field("usages", t.usages);
  m.field("groups", t.groups);
  m.finish();
}

void decode_patches(const Node& n, std::optional<Patches>& p) {
  if (n.is_null()) return;
  Patches out;
  MapReader m(n);
  m.field("directory", out.directory);
  m.finish();
  p = std::move(out);
}

void decode_timeouts(const Node& n, std::optional<Timeouts>& t) {
  if (n.is_null()) return;
  Timeouts out;
  MapReader m(n);
  m.field("controlPlaneComponentHealthCheck", out.control_plane_component_health_check);
  m.field("kubeletHealthCheck", out.kubelet_health_check);
  m.field("kubernetesAPICall", out.kubernetes_api_call);
  m.field("etcdAPICall", out.etcd_api_call);
  m.field("tlsBootstrap", out.tls_bootstrap);
  m.field("discovery", out.discovery);
  m.field("upgradeManifests", out.upgrade_manifests);
  m.finish();
  t = std::move(out);
}

// Fields that v1alpha2/v1alpha3 had at the top of the cluster configuration, and that old guides
// (the seed guide's own file among them) still put into v1beta1+ files. Upstream silently ignores
// them there; kadm reads them into their modern place and says so.
void decode_legacy_cluster_fields(MapReader& m, ClusterConfiguration& c, Schema s, bool legacy_schema,
                                  std::optional<APIEndpoint>* api_endpoint_out) {
  auto note = [&](const Node& n, const std::string& modern) {
    if (!legacy_schema) {
      n.diag().warn(n.where(), fmt::format("\"{}\" is a v1alpha2/v1alpha3 field; read as \"{}\" "
                                           "(kadm config migrate rewrites the file)",
                                           n.path(), modern));
    }
  };
  struct ArgsField {
    const char* name;
    ControlPlaneComponent* target;
    const char* modern;
  };
  for (ArgsField f : {ArgsField{"apiServerExtraArgs", &c.api_server, "apiServer.extraArgs"},
                      ArgsField{"controllerManagerExtraArgs", &c.controller_manager,
                                "controllerManager.extraArgs"},
                      ArgsField{"schedulerExtraArgs", &c.scheduler, "scheduler.extraArgs"}}) {
    if (auto n = m.take(f.name)) {
      note(*n, f.modern);
      std::vector<Arg> args;
      decode_args(*n, args, std::min(s, Schema::V1beta3));
      f.target->extra_args.insert(f.target->extra_args.end(), args.begin(), args.end());
    }
  }
  struct VolumesField {
    const char* name;
    ControlPlaneComponent* target;
    const char* modern;
  };
  for (VolumesField f :
       {VolumesField{"apiServerExtraVolumes", &c.api_server, "apiServer.extraVolumes"},
        VolumesField{"controllerManagerExtraVolumes", &c.controller_manager,
                     "controllerManager.extraVolumes"},
        VolumesField{"schedulerExtraVolumes", &c.scheduler, "scheduler.extraVolumes"}}) {
    if (auto n = m.take(f.name)) {
      note(*n, f.modern);
      std::vector<HostPathMount> vols;
      decode_list(*n, vols, decode_volume);
      f.target->extra_volumes.insert(f.target->extra_volumes.end(), vols.begin(), vols.end());
    }
  }
  if (auto n = m.take("apiServerCertSANs")) {
    note(*n, "apiServer.certSANs");
    std::vector<std::string> sans;
    decode(*n, sans);
    c.api_server.cert_sans.insert(c.api_server.cert_sans.end(), sans.begin(), sans.end());
  }
  // v1alpha2 MasterConfiguration.api = {advertiseAddress, controlPlaneEndpoint, bindPort}.
  if (auto n = m.take("api")) {
    note(*n, "InitConfiguration.localAPIEndpoint and ClusterConfiguration.controlPlaneEndpoint");
    MapReader am(*n);
    APIEndpoint ep;
    am.field("advertiseAddress", ep.advertise_address);
    am.field("bindPort", ep.bind_port);
    std::string cpe;
    if (am.field("controlPlaneEndpoint", cpe) && c.control_plane_endpoint.empty())
      c.control_plane_endpoint = cpe;
    am.finish();
    if (api_endpoint_out) *api_endpoint_out = ep;
  }
  // Fields with no modern equivalent: read, then reported as dropped.
  for (const char* dropped : {"unifiedControlPlaneImage", "auditPolicy", "imagePullPolicy"}) {
    if (auto n = m.take(dropped)) {
      if (n->is_null() || (n->yaml().IsScalar() && n->yaml().Scalar().empty())) continue;
      n->diag().warn(n->where(), fmt::format("\"{}\" has no equivalent since kubeadm v1.13 and is "
                                             "dropped",
                                             dropped));
    }
  }
}

// Everything a ClusterConfiguration (or the cluster half of v1alpha2's MasterConfiguration) holds.
void decode_cluster_fields(MapReader& m, ClusterConfiguration& c, Schema s,
                           std::optional<APIEndpoint>* legacy_endpoint) {
  if (auto n = m.take("etcd")) decode_etcd(*n, c.etcd, s);
  if (auto n = m.take("networking")) decode_networking(*n, c.networking);
  m.field("kubernetesVersion", c.kubernetes_version);
  m.field("controlPlaneEndpoint", c.control_plane_endpoint);
  if (at_least(s, Schema::V1beta1)) {
    if (auto n = m.take("apiServer")) decode_api_server(*n, c.api_server, s);
    if (auto n = m.take("controllerManager")) decode_component(*n, c.controller_manager, s);
    if (auto n = m.take("scheduler")) decode_component(*n, c.scheduler, s);
    if (auto n = m.take("dns")) {
      MapReader dm(*n);
      if (at_most(s, Schema::V1beta2)) dm.field("type", c.dns.type);
      decode_image_meta(dm, c.dns);
      if (at_least(s, Schema::V1beta4)) dm.field("disabled", c.dns.disabled);
      dm.finish();
    }
    if (at_least(s, Schema::V1beta4)) {
      if (auto n = m.take("proxy")) {
        MapReader pm(*n);
        pm.field("disabled", c.proxy.disabled);
        pm.finish();
      }
      m.field("encryptionAlgorithm", c.encryption_algorithm);
      m.field("certificateValidityPeriod", c.certificate_validity_period);
      m.field("caCertificateValidityPeriod", c.ca_certificate_validity_period);
    }
    if (at_most(s, Schema::V1beta2)) m.field("useHyperKubeImage", c.use_hyperkube_image);
  }
  m.field("certificatesDir", c.certificates_dir);
  m.field("imageRepository", c.image_repository);
  m.field("featureGates", c.feature_gates);
  m.field("clusterName", c.cluster_name);
  decode_legacy_cluster_fields(m, c, s, at_most(s, Schema::V1alpha3), legacy_endpoint);
}

void decode_init_fields(MapReader& m, InitConfiguration& i, Schema s) {
  if (auto n = m.take("bootstrapTokens")) decode_list(*n, i.bootstrap_tokens, decode_bootstrap_token);
  if (auto n = m.take("nodeRegistration")) decode_node_registration(*n, i.node_registration, s);
  const char* endpoint_key = at_most(s, Schema::V1alpha3) ? "apiEndpoint" : "localAPIEndpoint";
  if (auto n = m.take(endpoint_key)) decode_endpoint(*n, i.local_api_endpoint);
  if (at_least(s, Schema::V1beta2)) m.field("certificateKey", i.certificate_key);
  if (at_least(s, Schema::V1beta3)) {
    m.field("skipPhases", i.skip_phases);
    if (auto n = m.take("patches")) decode_patches(*n, i.patches);
  }
  if (at_least(s, Schema::V1beta4)) {
    m.field("dryRun", i.dry_run);
    if (auto n = m.take("timeouts")) decode_timeouts(*n, i.timeouts);
  }
}

void decode_discovery(const Node& n, Discovery& d, Schema s) {
  MapReader m(n);
  if (auto bt = m.take("bootstrapToken"); bt && !bt->is_null()) {
    BootstrapTokenDiscovery b;
    MapReader bm(*bt);
    bm.field("token", b.token);
    bm.field("apiServerEndpoint", b.api_server_endpoint);
    bm.field("caCertHashes", b.ca_cert_hashes);
    bm.field("unsafeSkipCAVerification", b.unsafe_skip_ca_verification);
    bm.finish();
    d.bootstrap_token = std::move(b);
  }
  if (auto f = m.take("file"); f && !f->is_null()) {
    FileDiscovery fd;
    MapReader fm(*f);
    fm.field("kubeConfigPath", fd.kube_config_path);
    fm.finish();
    d.file = std::move(fd);
  }
  m.field("tlsBootstrapToken", d.tls_bootstrap_token);
  if (at_most(s, Schema::V1beta3)) m.field("timeout", d.timeout);
  m.finish();
}

// v1alpha2 NodeConfiguration / v1alpha3 JoinConfiguration kept discovery at the top level.
void decode_legacy_join_fields(MapReader& m, JoinConfiguration& j, Schema s) {
  std::string discovery_file, discovery_token, token;
  std::vector<std::string> servers, hashes;
  bool unsafe = false;
  m.field("caCertPath", j.ca_cert_path);
  m.field("discoveryFile", discovery_file);
  m.field("discoveryToken", discovery_token);
  m.field("discoveryTokenAPIServers", servers);
  m.field("discoveryTimeout", j.discovery.timeout);
  m.field("tlsBootstrapToken", j.discovery.tls_bootstrap_token);
  m.field("token", token);
  m.field("discoveryTokenCACertHashes", hashes);
  m.field("discoveryTokenUnsafeSkipCAVerification", unsafe);
  m.ignore("clusterName");
  m.ignore("featureGates");
  if (!token.empty()) {
    if (discovery_token.empty()) discovery_token = token;
    if (j.discovery.tls_bootstrap_token.empty()) j.discovery.tls_bootstrap_token = token;
  }
  if (!discovery_file.empty()) {
    j.discovery.file = FileDiscovery{discovery_file};
  } else if (!discovery_token.empty() || !servers.empty()) {
    BootstrapTokenDiscovery b;
    b.token = discovery_token;
    if (!servers.empty()) b.api_server_endpoint = servers.front();
    b.ca_cert_hashes = hashes;
    b.unsafe_skip_ca_verification = unsafe;
    j.discovery.bootstrap_token = std::move(b);
  }
  if (s == Schema::V1alpha3) {
    bool control_plane = false;
    m.field("controlPlane", control_plane);
    APIEndpoint ep;
    if (auto n = m.take("apiEndpoint")) decode_endpoint(*n, ep);
    if (control_plane) j.control_plane = JoinControlPlane{ep, ""};
  }
}

void decode_join_fields(MapReader& m, JoinConfiguration& j, Schema s) {
  if (auto n = m.take("nodeRegistration")) decode_node_registration(*n, j.node_registration, s);
  if (at_most(s, Schema::V1alpha3)) {
    decode_legacy_join_fields(m, j, s);
    return;
  }
  m.field("caCertPath", j.ca_cert_path);
  if (auto n = m.take("discovery")) decode_discovery(*n, j.discovery, s);
  if (auto n = m.take("controlPlane"); n && !n->is_null()) {
    JoinControlPlane cp;
    MapReader cm(*n);
    if (auto e = cm.take("localAPIEndpoint")) decode_endpoint(*e, cp.local_api_endpoint);
    if (at_least(s, Schema::V1beta2)) cm.field("certificateKey", cp.certificate_key);
    cm.finish();
    j.control_plane = std::move(cp);
  }
  if (at_least(s, Schema::V1beta3)) {
    m.field("skipPhases", j.skip_phases);
    if (auto n = m.take("patches")) decode_patches(*n, j.patches);
  }
  if (at_least(s, Schema::V1beta4)) {
    m.field("dryRun", j.dry_run);
    if (auto n = m.take("timeouts")) decode_timeouts(*n, j.timeouts);
  }
}

void decode_reset(const Node& n, ResetConfiguration& r) {
  MapReader m(n);
  m.ignore("apiVersion");
  m.ignore("kind");
  m.field("cleanupTmpDir", r.cleanup_tmp_dir);
  m.field("certificatesDir", r.certificates_dir);
  m.field("criSocket", r.cri_socket);
  m.field("dryRun", r.dry_run);
  m.field("force", r.force);
  m.field("ignorePreflightErrors", r.ignore_preflight_errors);
  m.field("skipPhases", r.skip_phases);
  m.field("unmountFlags", r.unmount_flags);
  if (auto t = m.take("timeouts")) decode_timeouts(*t, r.timeouts);
  m.finish();
}

void decode_upgrade(const Node& n, UpgradeConfiguration& u) {
  MapReader m(n);
  m.ignore("apiVersion");
  m.ignore("kind");
  if (auto a = m.take("apply")) {
    MapReader am(*a);
    auto& x = u.apply;
    am.field("kubernetesVersion", x.kubernetes_version);
    am.field("allowExperimentalUpgrades", x.allow_experimental_upgrades);
    am.field("allowRCUpgrades", x.allow_rc_upgrades);
    am.field("certificateRenewal", x.certificate_renewal);
    am.field("dryRun", x.dry_run);
    am.field("etcdUpgrade", x.etcd_upgrade);
    am.field("forceUpgrade", x.force_upgrade);
    am.field("ignorePreflightErrors", x.ignore_preflight_errors);
    if (auto p = am.take("patches")) decode_patches(*p, x.patches);
    am.field("printConfig", x.print_config);
    am.field("skipPhases", x.skip_phases);
    am.field("imagePullPolicy", x.image_pull_policy);
    am.field("imagePullSerial", x.image_pull_serial);
    am.finish();
  }
  if (auto d = m.take("diff")) {
    MapReader dm(*d);
    dm.field("kubernetesVersion", u.diff.kubernetes_version);
    dm.field("contextLines", u.diff.context_lines);
    dm.finish();
  }
  if (auto nd = m.take("node")) {
    MapReader nm(*nd);
    auto& x = u.node;
    nm.field("certificateRenewal", x.certificate_renewal);
    nm.field("dryRun", x.dry_run);
    nm.field("etcdUpgrade", x.etcd_upgrade);
    nm.field("ignorePreflightErrors", x.ignore_preflight_errors);
    nm.field("skipPhases", x.skip_phases);
    if (auto p = nm.take("patches")) decode_patches(*p, x.patches);
    nm.field("imagePullPolicy", x.image_pull_policy);
    nm.field("imagePullSerial", x.image_pull_serial);
    nm.finish();
  }
  if (auto p = m.take("plan")) {
    MapReader pm(*p);
    auto& x = u.plan;
    pm.field("kubernetesVersion", x.kubernetes_version);
    pm.field("allowExperimentalUpgrades", x.allow_experimental_upgrades);
    pm.field("allowRCUpgrades", x.allow_rc_upgrades);
    pm.field("dryRun", x.dry_run);
    pm.field("ignorePreflightErrors", x.ignore_preflight_errors);
    pm.field("printConfig", x.print_config);
    pm.field("etcdUpgrade", x.etcd_upgrade);
    pm.finish();
  }
  if (auto t = m.take("timeouts")) decode_timeouts(*t, u.timeouts);
  m.finish();
}

std::string supported_versions_hint(Kind k) {
  std::string list;
  for (Schema s : schemas_with_kind(k)) {
    if (!list.empty()) list += ", ";
    list += api_version(s);
  }
  return "use one of: " + list;
}

}  // namespace

void decode_cluster(const Node& n, ClusterConfiguration& out, Schema s) {
  MapReader m(n);
  m.ignore("apiVersion");
  m.ignore("kind");
  std::optional<APIEndpoint> legacy_endpoint;
  decode_cluster_fields(m, out, s, &legacy_endpoint);
  m.finish();
}

void decode_init(const Node& n, InitConfiguration& out, Schema s) {
  MapReader m(n);
  m.ignore("apiVersion");
  m.ignore("kind");
  decode_init_fields(m, out, s);
  m.finish();
}

void decode_join(const Node& n, JoinConfiguration& out, Schema s) {
  MapReader m(n);
  m.ignore("apiVersion");
  m.ignore("kind");
  decode_join_fields(m, out, s);
  m.finish();
}

ConfigSet load_config_text(const std::string& text, const std::string& file,
                           const LoadOptions& options) {
  ConfigSet set;
  set.file = file;
  Diagnostics diag;
  diag.strict = options.strict;
  auto docs = parse_documents(text, file);
  if (docs.empty()) {
    throw Error(SourceLocation{file, "", "", 0, 0}, "the file holds no configuration documents",
                "add at least one document with apiVersion and kind, e.g. "
                "\"kadm config print init-defaults\" prints a complete example");
  }
  // Legacy v1alpha2/v1beta1-style fields found in a ClusterConfiguration that belong to the
  // InitConfiguration (e.g. api.advertiseAddress); applied after all documents are read.
  std::optional<APIEndpoint> legacy_endpoint;
  std::map<Kind, std::string> seen;  // kind -> label of the first document with it

  for (auto& doc : docs) {
    Node root(doc.root, &doc, "", &diag);
    if (!doc.root.IsMap()) root.fail("a configuration document must be a mapping with apiVersion and kind");
    if (doc.kind.empty()) {
      Node(doc.root, &doc, "kind", &diag)
          .fail("missing \"kind\"", "every document needs apiVersion and kind, e.g. kind: "
                                    "ClusterConfiguration");
    }
    if (doc.api_version.empty()) {
      Node(doc.root, &doc, "apiVersion", &diag)
          .fail("missing \"apiVersion\"", "e.g. apiVersion: kubeadm.k8s.io/v1beta4");
    }
    Node version_node(doc.root["apiVersion"], &doc, "apiVersion", &diag);
    diag.record(doc.kind, Node(doc.root["kind"], &doc, "kind", &diag).where());
    auto kind = parse_kind(doc.kind);

    // Component configs live in their own API groups.
    if (kind == Kind::Kubelet || kind == Kind::KubeProxy) {
      const char* want = kind == Kind::Kubelet ? kKubeletGroupVersion : kKubeProxyGroupVersion;
      if (doc.api_version != want) {
        version_node.fail(fmt::format("{} with apiVersion \"{}\" is not supported", doc.kind,
                                      doc.api_version),
                          fmt::format("use apiVersion: {}", want));
      }
      if (seen.count(*kind)) {
        root.fail(fmt::format("duplicate {}: the first one is {}", doc.kind, seen[*kind]),
                  "keep one document of each kind");
      }
      seen[*kind] = doc.label();
      auto value = to_json(doc.root);
      (kind == Kind::Kubelet ? set.kubelet : set.kube_proxy) = std::move(value);
      set.origins.push_back({*kind, std::nullopt, doc.label()});
      continue;
    }

    auto schema = parse_schema(doc.api_version);
    if (!schema) {
      if (doc.api_version.rfind(std::string(kGroup) + "/", 0) == 0) {
        version_node.fail(fmt::format("unknown kubeadm API version \"{}\"", doc.api_version),
                          "kadm reads kubeadm.k8s.io/v1alpha2, v1alpha3, v1beta1, v1beta2, v1beta3 "
                          "and v1beta4");
      }
      if (kind) {
        version_node.fail(fmt::format("{} does not belong to API group \"{}\"", doc.kind,
                                      doc.api_version),
                          supported_versions_hint(*kind));
      }
      // Upstream ignores documents of other groups with a warning.
      diag.warn(root.where(), fmt::format("ignoring document of unknown kind {} ({})", doc.kind,
                                          doc.api_version));
      continue;
    }
    if (!kind) {
      Node(doc.root["kind"], &doc, "kind", &diag)
          .fail(fmt::format("unknown kind \"{}\" in {}", doc.kind, doc.api_version),
                "kubeadm kinds are InitConfiguration, ClusterConfiguration, JoinConfiguration, "
                "ResetConfiguration and UpgradeConfiguration");
    }
    if (!schema_has_kind(*schema, *kind)) {
      Node(doc.root["kind"], &doc, "kind", &diag)
          .fail(fmt::format("no kind \"{}\" is registered for version \"{}\"", doc.kind,
                            doc.api_version),
                supported_versions_hint(*kind));
    }
    // v1alpha2's MasterConfiguration carries both init and cluster halves.
    std::vector<Kind> provides = {*kind};
    if (*kind == Kind::Master) provides = {Kind::Init, Kind::Cluster};
    if (*kind == Kind::Node) provides = {Kind::Join};
    for (Kind k : provides) {
      if (seen.count(k)) {
        root.fail(fmt::format("duplicate {}: the first one is {}", kind_name(k), seen[k]),
                  "keep one document of each kind");
      }
      seen[k] = doc.label();
    }
    set.origins.push_back({*kind, *schema, doc.label()});

    switch (*kind) {
      case Kind::Cluster: {
        ClusterConfiguration c;
        MapReader m(root);
        m.ignore("apiVersion");
        m.ignore("kind");
        decode_cluster_fields(m, c, *schema, &legacy_endpoint);
        m.finish();
        set.cluster = std::move(c);
        break;
      }
      case Kind::Init: {
        InitConfiguration i;
        MapReader m(root);
        m.ignore("apiVersion");
        m.ignore("kind");
        decode_init_fields(m, i, *schema);
        if (*schema == Schema::V1alpha3) {
          // v1alpha3 let the InitConfiguration carry the cluster fields inline too.
          ClusterConfiguration c = set.cluster.value_or(ClusterConfiguration{});
          decode_cluster_fields(m, c, *schema, &legacy_endpoint);
          set.cluster = std::move(c);
        }
        m.finish();
        set.init = std::move(i);
        break;
      }
      case Kind::Master: {
        InitConfiguration i;
        ClusterConfiguration c;
        MapReader m(root);
        m.ignore("apiVersion");
        m.ignore("kind");
        if (auto b = m.take("bootstrapTokens")) decode_list(*b, i.bootstrap_tokens, decode_bootstrap_token);
        if (auto n = m.take("nodeRegistration")) decode_node_registration(*n, i.node_registration, *schema);
        if (auto kp = m.take("kubeProxy")) {
          MapReader km(*kp);
          if (auto cfg = km.take("config"); cfg && !cfg->is_null()) {
            if (!cfg->yaml().IsMap()) cfg->fail("expected a KubeProxyConfiguration mapping");
            auto value = to_json(cfg->yaml());
            value["apiVersion"] = kKubeProxyGroupVersion;
            value["kind"] = "KubeProxyConfiguration";
            set.kube_proxy = std::move(value);
          }
          km.finish();
        }
        if (auto kc = m.take("kubeletConfiguration")) {
          MapReader km(*kc);
          if (auto cfg = km.take("baseConfig"); cfg && !cfg->is_null()) {
            if (!cfg->yaml().IsMap()) cfg->fail("expected a KubeletConfiguration mapping");
            auto value = to_json(cfg->yaml());
            value["apiVersion"] = kKubeletGroupVersion;
            value["kind"] = "KubeletConfiguration";
            set.kubelet = std::move(value);
          }
          km.finish();
        }
        decode_cluster_fields(m, c, *schema, &legacy_endpoint);
        m.finish();
        set.init = std::move(i);
        set.cluster = std::move(c);
        break;
      }
      case Kind::Join:
      case Kind::Node: {
        JoinConfiguration j;
        MapReader m(root);
        m.ignore("apiVersion");
        m.ignore("kind");
        decode_join_fields(m, j, *schema);
        m.finish();
        set.join = std::move(j);
        break;
      }
      case Kind::Reset: {
        ResetConfiguration r;
        decode_reset(root, r);
        set.reset = std::move(r);
        break;
      }
      case Kind::Upgrade: {
        UpgradeConfiguration u;
        decode_upgrade(root, u);
        set.upgrade = std::move(u);
        break;
      }
      case Kind::ClusterStatus:
        diag.warn(root.where(), "ignoring ClusterStatus: kubeadm keeps it in the kubeadm-config "
                                "ConfigMap, never in a configuration file");
        break;
      case Kind::Kubelet:
      case Kind::KubeProxy:
        break;
    }
  }

  if (legacy_endpoint) {
    if (!set.init) set.init = InitConfiguration{};
    auto& ep = set.init->local_api_endpoint;
    if (ep.advertise_address.empty()) ep.advertise_address = legacy_endpoint->advertise_address;
    if (ep.bind_port == 0) ep.bind_port = legacy_endpoint->bind_port;
  }
  set.warnings = std::move(diag.warnings);
  std::stable_sort(set.warnings.begin(), set.warnings.end(), [](const Warning& a, const Warning& b) {
    return a.where.line < b.where.line;
  });
  set.positions = std::move(diag.positions);
  return set;
}

SourceLocation ConfigSet::locate(Kind kind, const std::string& path) const {
  auto label_of = [&](Kind k) -> std::string {
    for (const auto& o : origins)
      if (o.kind == k) return o.label;
    return kind_name(k);
  };
  auto exact = positions.find(kind_name(kind) + ":" + path);
  if (exact != positions.end()) return exact->second;
  // A missing field is reported at the nearest enclosing field that was written.
  for (std::string p = path; !p.empty();) {
    auto cut = p.find_last_of(".[");
    if (cut == std::string::npos) break;
    p = p.substr(0, cut);
    auto it = positions.find(kind_name(kind) + ":" + p);
    if (it != positions.end()) {
      SourceLocation where = it->second;
      where.field = path;
      return where;
    }
  }
  // v1alpha2 documents hold several kinds; a field may also sit in a legacy place.
  for (const auto& [key, where] : positions) {
    auto colon = key.find(':');
    if (colon != std::string::npos && key.substr(colon + 1) == path) return where;
  }
  SourceLocation where;
  where.file = file;
  where.document = label_of(kind);
  where.field = path;
  // Point at the document at least, when it exists.
  auto doc = positions.find(kind_name(kind) + ":kind");
  if (doc != positions.end()) {
    where.line = doc->second.line;
    where.column = 0;
  }
  return where;
}

ConfigSet load_config_file(const std::string& path, const LoadOptions& options) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw Error(SourceLocation{path, "", "", 0, 0}, "is a directory, not a configuration file",
                "pass the path of a YAML file to --config", kExitConfig);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(SourceLocation{path, "", "", 0, 0}, "cannot read the configuration file",
                "check the path given to --config", kExitConfig);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return load_config_text(ss.str(), path, options);
}

}  // namespace kadm::api
