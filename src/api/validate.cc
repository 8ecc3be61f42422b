#include "api/validate.h"

#include <fmt/format.h>

#include <regex>

#include "util/strings.h"
#include <set>

#include "api/bootstrap_token.h"
#include "api/defaults.h"
#include "util/net.h"
#include "versions/table.h"

namespace kadm::api {
namespace {

class Collector {
 public:
  explicit Collector(const ConfigSet& set) : set_(set) {}
  void error(Kind kind, const std::string& path, const std::string& message,
             const std::string& hint = {}) {
    errors.emplace_back(set_.locate(kind, path), message, hint, kExitConfig);
  }
  // True when the file wrote this field (so an error can point exactly at it).
  bool written(Kind kind, const std::string& path) const {
    return set_.positions.count(kind_name(kind) + ":" + path) > 0;
  }
  std::vector<Error> errors;

 private:
  const ConfigSet& set_;
};

bool absolute(const std::string& p) { return !p.empty() && p[0] == '/'; }

void check_args(Collector& c, Kind kind, const std::string& path, const std::vector<Arg>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].name.empty()) {
      c.error(kind, fmt::format("{}[{}].name", path, i), "argument has no name",
              "give the flag name without leading dashes, e.g. name: v");
    } else if (args[i].name[0] == '-') {
      c.error(kind, fmt::format("{}[{}].name", path, i),
              fmt::format("argument name \"{}\" starts with a dash", args[i].name),
              "write the flag name without leading dashes");
    }
  }
}

void check_volumes(Collector& c, Kind kind, const std::string& path,
                   const std::vector<HostPathMount>& vols) {
  static const std::set<std::string> kPathTypes = {"",          "DirectoryOrCreate", "Directory",
                                                   "FileOrCreate", "File",          "Socket",
                                                   "CharDevice", "BlockDevice"};
  for (size_t i = 0; i < vols.size(); ++i) {
    std::string p = fmt::format("{}[{}]", path, i);
    const auto& v = vols[i];
    if (v.name.empty()) c.error(kind, p + ".name", "volume has no name");
    if (!absolute(v.host_path))
      c.error(kind, p + ".hostPath", fmt::format("hostPath \"{}\" is not an absolute path", v.host_path));
    if (!absolute(v.mount_path))
      c.error(kind, p + ".mountPath",
              fmt::format("mountPath \"{}\" is not an absolute path", v.mount_path));
    if (!kPathTypes.count(v.path_type))
      c.error(kind, p + ".pathType", fmt::format("unknown pathType \"{}\"", v.path_type),
              "use DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice");
  }
}

// Upstream ValidateIPNetFromString + the dual-stack rules.
std::vector<net::CIDR> check_subnets(Collector& c, Kind kind, const std::string& path,
                                     const std::string& value, uint64_t min_addresses,
                                     bool service) {
  std::vector<net::CIDR> out;
  auto parts = net::split_comma(value);
  if (parts.size() > 2) {
    c.error(kind, path, fmt::format("\"{}\": expected one (IPv4 or IPv6) CIDR or two CIDRs from each "
                                    "family for dual-stack networking",
                                    value));
    return out;
  }
  for (const auto& p : parts) {
    auto cidr = net::parse_cidr(p);
    if (!cidr) {
      c.error(kind, path, fmt::format("couldn't parse subnet \"{}\"", p),
              "write a CIDR such as 10.96.0.0/12");
      continue;
    }
    int host_bits = cidr->host_bits();
    uint64_t addresses = host_bits >= 63 ? UINT64_MAX : (uint64_t{1} << host_bits);
    if (addresses < min_addresses) {
      c.error(kind, path,
              fmt::format("subnet {} with {} address(es) is too small, the minimum is {}", p,
                          addresses, min_addresses));
    }
    if (service && host_bits > 20) {
      c.error(kind, path,
              fmt::format("specified service subnet {} is too large; for {}-bit addresses, the mask "
                          "must be >= {}",
                          p, cidr->ip.bits(), cidr->ip.bits() - 20));
    }
    out.push_back(*cidr);
  }
  if (out.size() == 2 && out[0].ip.v6 == out[1].ip.v6) {
    c.error(kind, path, fmt::format("\"{}\": a dual-stack value needs one IPv4 and one IPv6 CIDR", value));
  }
  return out;
}

std::string arg_value(const std::vector<Arg>& args, const std::string& name) {
  std::string v;
  for (const auto& a : args)
    if (a.name == name) v = a.value;  // the last one wins, as on a command line
  return v;
}

void check_cluster(Collector& c, const ClusterConfiguration& cc) {
  const Kind K = Kind::Cluster;
  if (!cc.kubernetes_version.empty()) {
    try {
      auto v = versions::resolve_version(cc.kubernetes_version);
      if (!versions::supported(v)) {
        c.error(K, "kubernetesVersion",
                fmt::format("Kubernetes {} is not supported", v.str()),
                fmt::format("kadm supports {}", versions::supported_range()));
      }
    } catch (const Error& e) {
      c.error(K, "kubernetesVersion", e.what(), e.hint());
    }
  }
  const auto& n = cc.networking;
  std::vector<net::CIDR> services, pods;
  if (!n.service_subnet.empty())
    services = check_subnets(c, K, "networking.serviceSubnet", n.service_subnet, 10, true);
  if (!n.pod_subnet.empty()) {
    pods = check_subnets(c, K, "networking.podSubnet", n.pod_subnet, 14, false);
    // Upstream checks the pod subnet against the node CIDR mask unless node CIDR allocation is off.
    auto& cm = cc.controller_manager.extra_args;
    if (arg_value(cm, "allocate-node-cidrs") != "false") {
      for (const auto& pod : pods) {
        std::string flag = pod.ip.v6 ? "node-cidr-mask-size-ipv6" : "node-cidr-mask-size-ipv4";
        std::string value = arg_value(cm, flag);
        if (value.empty() && pods.size() == 1) {
          value = arg_value(cm, "node-cidr-mask-size");
          if (!value.empty()) flag = "node-cidr-mask-size";
        }
        std::string arg_path = "controllerManager.extraArgs";
        for (size_t i = 0; i < cm.size(); ++i)
          if (cm[i].name == flag) arg_path = fmt::format("controllerManager.extraArgs[{}].value", i);
        if (c.written(K, "controllerManager.extraArgs." + flag))
          arg_path = "controllerManager.extraArgs." + flag;  // the v1beta3 mapping form
        int node_mask = pod.ip.v6 ? 64 : 24;
        if (!value.empty()) {
          try {
            node_mask = std::stoi(value);
          } catch (...) {
            c.error(K, arg_path, fmt::format("{}=\"{}\" is not a number", flag, value),
                    "give the mask length as a number, e.g. 24");
            continue;
          }
        }
        if (pod.prefix > node_mask) {
          c.error(K, "networking.podSubnet",
                  fmt::format("the size of pod subnet {} with mask {} is smaller than the size of node "
                              "subnet with mask {}",
                              pod.str(), pod.prefix, node_mask),
                  fmt::format("use a pod subnet with a mask of at most /{}, or set --{}", node_mask, flag));
        } else if (node_mask - pod.prefix > 16) {
          c.error(K, "networking.podSubnet",
                  fmt::format("pod subnet mask ({}) and node-mask ({}) difference is greater than 16",
                              pod.prefix, node_mask));
        }
      }
    }
  }
  for (const auto& s : services) {
    for (const auto& p : pods) {
      if (net::overlaps(s, p)) {
        c.error(K, "networking.podSubnet",
                fmt::format("pod subnet {} overlaps the service subnet {}", p.str(), s.str()),
                "Pods and Services need disjoint ranges, e.g. podSubnet 10.244.0.0/16 with "
                "serviceSubnet 10.96.0.0/12");
      }
    }
  }
  if (!n.dns_domain.empty()) {
    if (auto m = check_dns1123_subdomain(n.dns_domain); !m.empty())
      c.error(K, "networking.dnsDomain", fmt::format("\"{}\": {}", n.dns_domain, m));
  }
  if (!cc.certificates_dir.empty() && !absolute(cc.certificates_dir))
    c.error(K, "certificatesDir", fmt::format("\"{}\" is not an absolute path", cc.certificates_dir));
  if (!cc.control_plane_endpoint.empty()) {
    std::string host;
    int port = 0;
    std::string ep = cc.control_plane_endpoint;
    bool ok = net::split_host_port(ep, &host, &port) ? port > 0 : (host = ep, true);
    if (ok && host.find(':') == std::string::npos && !net::parse_ip(host) &&
        !check_dns1123_subdomain(host).empty())
      ok = false;
    if (ok && host.find(':') != std::string::npos && !net::parse_ip(host)) ok = false;
    if (!ok) {
      c.error(K, "controlPlaneEndpoint", fmt::format("endpoint \"{}\" is not valid", ep),
              "use an IP address or DNS name with an optional port, e.g. 10.0.0.10:6443 or "
              "k8s-api.example.com");
    }
  }
  for (auto [path, repo] : {std::pair<const char*, const std::string*>{"imageRepository", &cc.image_repository},
                            {"dns.imageRepository", &cc.dns.image_repository}}) {
    if (!repo->empty()) {
      if (auto m = check_image_repository(*repo); !m.empty())
        c.error(K, path, fmt::format("\"{}\": {}", *repo, m),
                "write a registry and path such as registry.k8s.io or my.registry:5000/k8s");
    }
  }
  if (!cc.encryption_algorithm.empty()) {
    if (auto m = check_encryption_algorithm(cc.encryption_algorithm); !m.empty())
      c.error(K, "encryptionAlgorithm", m);
  }
  for (auto [path, d] : {std::pair<const char*, const std::optional<Duration>*>{
                             "certificateValidityPeriod", &cc.certificate_validity_period},
                         {"caCertificateValidityPeriod", &cc.ca_certificate_validity_period}}) {
    if (*d && (*d)->count() <= 0)
      c.error(K, path, fmt::format("{} must be positive", format_duration(**d)));
  }
  // Feature gates must be known to the target release.
  const auto& release = release_of(cc);
  for (const auto& [name, on] : cc.feature_gates) {
    bool known = false;
    for (const auto& g : release.feature_gates) known = known || g.name == name;
    if (!known) {
      std::string list;
      for (const auto& g : release.feature_gates) list += (list.empty() ? "" : ", ") + g.name;
      c.error(K, "featureGates." + name, fmt::format("{} is not a valid feature name.", name),
              fmt::format("kubeadm v1.{} knows: {}", release.minor, list.empty() ? "none" : list));
    }
  }
  for (size_t i = 0; i < cc.api_server.cert_sans.size(); ++i) {
    if (auto m = check_cert_san(cc.api_server.cert_sans[i]); !m.empty())
      c.error(K, fmt::format("apiServer.certSANs[{}]", i), m);
  }
  struct Comp {
    const char* path;
    const ControlPlaneComponent* comp;
  };
  for (Comp comp : {Comp{"apiServer", &cc.api_server}, Comp{"controllerManager", &cc.controller_manager},
                    Comp{"scheduler", &cc.scheduler}}) {
    check_args(c, K, std::string(comp.path) + ".extraArgs", comp.comp->extra_args);
    check_volumes(c, K, std::string(comp.path) + ".extraVolumes", comp.comp->extra_volumes);
  }
  const auto& e = cc.etcd;
  if (e.local && e.external) {
    c.error(K, "etcd", ".Etcd.Local and .Etcd.External are mutually exclusive",
            "keep either etcd.local or etcd.external");
  }
  if (e.local) {
    if (!e.local->data_dir.empty() && !absolute(e.local->data_dir))
      c.error(K, "etcd.local.dataDir", fmt::format("\"{}\" is not an absolute path", e.local->data_dir));
    check_args(c, K, "etcd.local.extraArgs", e.local->extra_args);
    for (size_t i = 0; i < e.local->server_cert_sans.size(); ++i)
      if (auto m = check_cert_san(e.local->server_cert_sans[i]); !m.empty())
        c.error(K, fmt::format("etcd.local.serverCertSANs[{}]", i), m);
    for (size_t i = 0; i < e.local->peer_cert_sans.size(); ++i)
      if (auto m = check_cert_san(e.local->peer_cert_sans[i]); !m.empty())
        c.error(K, fmt::format("etcd.local.peerCertSANs[{}]", i), m);
  }
  if (e.external) {
    const auto& x = *e.external;
    if (x.endpoints.empty())
      c.error(K, "etcd.external.endpoints", "at least one endpoint is required for external etcd");
    bool certs = !x.cert_file.empty() || !x.key_file.empty();
    if (x.cert_file.empty() != x.key_file.empty())
      c.error(K, "etcd.external", "either both or none of .Etcd.External.CertFile and "
                                  ".Etcd.External.KeyFile must be set");
    if (certs && x.ca_file.empty())
      c.error(K, "etcd.external.caFile",
              "setting .Etcd.External.CertFile and .Etcd.External.KeyFile requires "
              ".Etcd.External.CAFile");
    for (auto [path, f] : {std::pair<const char*, const std::string*>{"etcd.external.caFile", &x.ca_file},
                           {"etcd.external.certFile", &x.cert_file},
                           {"etcd.external.keyFile", &x.key_file}}) {
      if (!f->empty() && !absolute(*f)) c.error(K, path, fmt::format("\"{}\" is not an absolute path", *f));
    }
    static const std::regex url(R"(^([a-z][a-z0-9+.-]*)://[^/\s]+(/.*)?$)");
    for (size_t i = 0; i < x.endpoints.size(); ++i) {
      std::smatch m;
      std::string p = fmt::format("etcd.external.endpoints[{}]", i);
      if (!bounded_match(x.endpoints[i], url, 512, &m)) {
        c.error(K, p, fmt::format("\"{}\": the URL without scheme is not allowed", x.endpoints[i]),
                "write https://host:2379");
      } else if (certs && m[1] != "https") {
        c.error(K, p, fmt::format("\"{}\": the URL must be using the HTTPS scheme", x.endpoints[i]));
      }
    }
  }
}

void check_node_registration(Collector& c, Kind K, const NodeRegistrationOptions& n) {
  if (!n.name.empty()) {
    if (auto m = check_dns1123_subdomain(n.name); !m.empty())
      c.error(K, "nodeRegistration.name", fmt::format("\"{}\": {}", n.name, m),
              "pass --node-name or set nodeRegistration.name to a valid name");
  }
  if (!n.cri_socket.empty()) {
    if (auto m = check_cri_socket(n.cri_socket); !m.empty())
      c.error(K, "nodeRegistration.criSocket", m,
              "use unix:///var/run/containerd/containerd.sock or another unix:// socket");
  }
  if (n.taints) {
    static const std::set<std::string> effects = {"NoSchedule", "PreferNoSchedule", "NoExecute"};
    for (size_t i = 0; i < n.taints->size(); ++i) {
      const auto& t = (*n.taints)[i];
      std::string p = fmt::format("nodeRegistration.taints[{}]", i);
      if (t.key.empty()) c.error(K, p + ".key", "taint has no key");
      if (!effects.count(t.effect))
        c.error(K, p + ".effect", fmt::format("unsupported taint effect \"{}\"", t.effect),
                "use NoSchedule, PreferNoSchedule or NoExecute");
    }
  }
  check_args(c, K, "nodeRegistration.kubeletExtraArgs", n.kubelet_extra_args);
  bool all = false;
  for (const auto& e : n.ignore_preflight_errors) all = all || e == "all";
  if (all && n.ignore_preflight_errors.size() > 1)
    c.error(K, "nodeRegistration.ignorePreflightErrors",
            "don't specify individual checks if 'all' is used");
  static const std::set<std::string> policies = {"", "Always", "IfNotPresent", "Never"};
  if (!policies.count(n.image_pull_policy))
    c.error(K, "nodeRegistration.imagePullPolicy",
            fmt::format("invalid pull policy \"{}\"", n.image_pull_policy),
            "use Always, IfNotPresent or Never");
}

void check_endpoint(Collector& c, Kind K, const std::string& path, const APIEndpoint& e) {
  if (!e.advertise_address.empty() && !net::parse_ip(e.advertise_address))
    c.error(K, path + ".advertiseAddress",
            fmt::format("\"{}\": ip address is not valid", e.advertise_address),
            "use an IPv4 or IPv6 address of this host");
  if (e.bind_port < 0 || e.bind_port > 65535)
    c.error(K, path + ".bindPort", fmt::format("{}: port number is not valid", e.bind_port),
            "use a port between 1 and 65535");
}

void check_token(Collector& c, Kind K, const std::string& path, const std::string& token) {
  std::string why;
  if (!parse_token(token, &why)) {
    c.error(K, path, fmt::format("the bootstrap token \"{}\" is invalid: {}", token, why),
            "generate one with \"kadm token generate\"");
  }
}

void check_init(Collector& c, const InitConfiguration& i) {
  const Kind K = Kind::Init;
  for (size_t n = 0; n < i.bootstrap_tokens.size(); ++n) {
    const auto& t = i.bootstrap_tokens[n];
    std::string p = fmt::format("bootstrapTokens[{}]", n);
    if (!t.token.empty()) check_token(c, K, p + ".token", t.token);
    if (t.ttl && !t.expires.empty())
      c.error(K, p, "the BootstrapToken .TTL and .Expires fields are mutually exclusive",
              "keep either ttl or expires");
    if (t.ttl && t.ttl->count() < 0)
      c.error(K, p + ".ttl", fmt::format("{} is negative", format_duration(*t.ttl)),
              "use 0 for a token that never expires");
    if (!t.expires.empty()) {
      static const std::regex rfc3339(
          R"(^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
      if (!bounded_match(t.expires, rfc3339))
        c.error(K, p + ".expires", fmt::format("\"{}\" is not an RFC 3339 time", t.expires),
                "e.g. 2030-01-02T15:04:05Z");
    }
    if (auto m = validate_token_usages(t.usages); !m.empty()) c.error(K, p + ".usages", m);
    if (auto m = validate_token_groups(t.groups); !m.empty()) c.error(K, p + ".groups", m);
    bool auth = t.usages.empty();
    for (const auto& u : t.usages) auth = auth || u == "authentication";
    if (!t.groups.empty() && !auth)
      c.error(K, p + ".groups",
              "token groups cannot be specified unless usages include \"authentication\"");
  }
  check_node_registration(c, K, i.node_registration);
  check_endpoint(c, K, "localAPIEndpoint", i.local_api_endpoint);
  if (!i.certificate_key.empty()) {
    if (auto m = check_certificate_key(i.certificate_key); !m.empty())
      c.error(K, "certificateKey", m, "generate one with \"kadm certs certificate-key\"");
  }
  if (i.patches && !i.patches->directory.empty() && !absolute(i.patches->directory))
    c.error(K, "patches.directory", fmt::format("\"{}\" is not an absolute path", i.patches->directory));
}

void check_join(Collector& c, const JoinConfiguration& j) {
  const Kind K = Kind::Join;
  check_node_registration(c, K, j.node_registration);
  if (!j.ca_cert_path.empty() && (!absolute(j.ca_cert_path) ||
                                  j.ca_cert_path.size() < 4 ||
                                  j.ca_cert_path.compare(j.ca_cert_path.size() - 4, 4, ".crt") != 0))
    c.error(K, "caCertPath", fmt::format("\"{}\": the ca certificate path must be an absolute path "
                                         "ending in .crt",
                                         j.ca_cert_path));
  const auto& d = j.discovery;
  if (!d.bootstrap_token && !d.file)
    c.error(K, "discovery", "bootstrapToken or file must be set",
            "set discovery.bootstrapToken (token, apiServerEndpoint, caCertHashes) or discovery.file");
  if (d.bootstrap_token && d.file)
    c.error(K, "discovery", "bootstrapToken and file cannot both be set");
  if (d.bootstrap_token) {
    const auto& b = *d.bootstrap_token;
    if (b.token.empty()) {
      c.error(K, "discovery.bootstrapToken.token", "the bootstrap token is invalid: it is empty",
              "set discovery.bootstrapToken.token (or pass --token) to a token from 'kadm token create'");
    } else {
      check_token(c, K, "discovery.bootstrapToken.token", b.token);
    }
    if (b.api_server_endpoint.empty()) {
      c.error(K, "discovery.bootstrapToken.apiServerEndpoint", "APIServerEndpoint is not set",
              "give the control plane's host:port, e.g. 10.0.0.10:6443");
    } else {
      std::string host;
      int port = 0;
      if (!net::split_host_port(b.api_server_endpoint, &host, &port) || host.empty())
        c.error(K, "discovery.bootstrapToken.apiServerEndpoint",
                fmt::format("\"{}\" is not host:port", b.api_server_endpoint),
                "e.g. 10.0.0.10:6443 or [fd00::10]:6443");
    }
    for (size_t i = 0; i < b.ca_cert_hashes.size(); ++i) {
      if (auto m = check_ca_cert_hash(b.ca_cert_hashes[i]); !m.empty())
        c.error(K, fmt::format("discovery.bootstrapToken.caCertHashes[{}]", i), m);
    }
    if (b.ca_cert_hashes.empty() && !b.unsafe_skip_ca_verification)
      c.error(K, "discovery.bootstrapToken.caCertHashes",
              "using token-based discovery without caCertHashes can be unsafe. Set "
              "unsafeSkipCAVerification as true in your kubeadm config file or pass "
              "--discovery-token-unsafe-skip-ca-verification flag to continue");
  }
  if (d.file) {
    const std::string& p = d.file->kube_config_path;
    bool url = p.find("://") != std::string::npos;
    if (url && p.rfind("https://", 0) != 0)
      c.error(K, "discovery.file.kubeConfigPath",
              fmt::format("\"{}\": if a URL is used, the scheme must be https", p));
    if (!url && !absolute(p))
      c.error(K, "discovery.file.kubeConfigPath",
              fmt::format("\"{}\" is not a valid HTTPS URL or an absolute file path", p));
  }
  if (!d.tls_bootstrap_token.empty()) check_token(c, K, "discovery.tlsBootstrapToken", d.tls_bootstrap_token);
  if (j.control_plane) {
    check_endpoint(c, K, "controlPlane.localAPIEndpoint", j.control_plane->local_api_endpoint);
    if (!j.control_plane->certificate_key.empty()) {
      if (auto m = check_certificate_key(j.control_plane->certificate_key); !m.empty())
        c.error(K, "controlPlane.certificateKey", m);
    }
  }
  if (j.patches && !j.patches->directory.empty() && !absolute(j.patches->directory))
    c.error(K, "patches.directory", fmt::format("\"{}\" is not an absolute path", j.patches->directory));
}

void check_reset(Collector& c, const ResetConfiguration& r) {
  const Kind K = Kind::Reset;
  if (!r.certificates_dir.empty() && !absolute(r.certificates_dir))
    c.error(K, "certificatesDir", fmt::format("\"{}\" is not an absolute path", r.certificates_dir));
  if (!r.cri_socket.empty()) {
    if (auto m = check_cri_socket(r.cri_socket); !m.empty()) c.error(K, "criSocket", m);
  }
  static const std::set<std::string> flags = {"MNT_FORCE", "MNT_DETACH", "MNT_EXPIRE", "UMOUNT_NOFOLLOW"};
  for (size_t i = 0; i < r.unmount_flags.size(); ++i) {
    if (!flags.count(r.unmount_flags[i]))
      c.error(K, fmt::format("unmountFlags[{}]", i), fmt::format("unknown unmount flag {}", r.unmount_flags[i]),
              "use MNT_FORCE, MNT_DETACH, MNT_EXPIRE or UMOUNT_NOFOLLOW");
  }
}

}  // namespace

namespace {
bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*
bool dns1123_subdomain(const std::string& v) {
  if (v.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t dot = v.find('.', start);
    size_t end = dot == std::string::npos ? v.size() : dot;
    if (end == start || !lower_alnum(v[start]) || !lower_alnum(v[end - 1])) return false;
    for (size_t i = start; i < end; ++i)
      if (!lower_alnum(v[i]) && v[i] != '-') return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

// A docker reference without name and tag: [domain[:port]/]path, the forms kubeadm accepts for
// imageRepository.
bool image_repository(const std::string& v) {
  if (v.empty() || v.size() > 255) return false;
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = v.find('/', start);
    parts.push_back(v.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  size_t first = 0;
  // The first component is a domain when it has a dot or a port or is "localhost", or when it is
  // the only one (a bare registry host such as "registry.k8s.io").
  const std::string& head = parts[0];
  bool domain = parts.size() == 1 || head.find('.') != std::string::npos ||
                head.find(':') != std::string::npos || head == "localhost" ||
                std::any_of(head.begin(), head.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (domain) {
    std::string host = head, port;
    if (auto colon = head.find(':'); colon != std::string::npos) {
      host = head.substr(0, colon);
      port = head.substr(colon + 1);
      if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    }
    size_t label_start = 0;
    while (true) {
      size_t dot = host.find('.', label_start);
      size_t end = dot == std::string::npos ? host.size() : dot;
      if (end == label_start || !alnum(host[label_start]) || !alnum(host[end - 1])) return false;
      for (size_t i = label_start; i < end; ++i)
        if (!alnum(host[i]) && host[i] != '-') return false;
      if (dot == std::string::npos) break;
      label_start = dot + 1;
    }
    first = 1;
  }
  for (size_t p = first; p < parts.size(); ++p) {
    // [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
    const std::string& c = parts[p];
    if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
    for (size_t i = 0; i < c.size(); ++i) {
      if (lower_alnum(c[i]) || c[i] == '-') continue;
      if (c[i] == '.' && lower_alnum(c[i + 1])) continue;
      if (c[i] == '_' && (lower_alnum(c[i + 1]) || (c[i + 1] == '_' && lower_alnum(c[i + 2])))) {
        if (c[i + 1] == '_') ++i;
        continue;
      }
      return false;
    }
  }
  return true;
}
}  // namespace

std::string check_dns1123_subdomain(const std::string& value) {
  if (value.size() > 253) return "must be no more than 253 characters";
  if (!dns1123_subdomain(value))
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
           "or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
  return "";
}

std::string check_image_repository(const std::string& value) {
  if (!image_repository(value)) return "invalid image repository format";
  return "";
}

std::string check_ca_cert_hash(const std::string& value) {
  auto colon = value.find(':');
  if (colon == std::string::npos || value.substr(0, colon) != "sha256") {
    return fmt::format("\"{}\": unknown hash format, expected \"sha256:<64 hex digits>\"", value);
  }
  std::string hex = value.substr(colon + 1);
  for (size_t i = 0; i < hex.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(hex[i]))) {
      return fmt::format("\"{}\": character {} of the hash is not a hex digit ({})", value,
                         colon + 2 + i, hex[i] == ' ' ? std::string("a space") : "'" + std::string(1, hex[i]) + "'");
    }
  }
  if (hex.size() != 64)
    return fmt::format("\"{}\": expected a 32 byte SHA-256 hash, found {} bytes", value, hex.size() / 2);
  return "";
}

std::string check_cri_socket(const std::string& value) {
  if (value.empty()) return "empty CRI socket";
  auto scheme_end = value.find("://");
  if (scheme_end == std::string::npos) {
    if (value[0] != '/') return fmt::format("CRI socket \"{}\": path is not absolute", value);
    return "";  // a bare path is read as unix:// (upstream warns and converts)
  }
  std::string scheme = value.substr(0, scheme_end);
  if (scheme != "unix") return fmt::format("only URL scheme \"unix\" is supported, got \"{}\"", scheme);
  if (value.size() <= scheme_end + 3 || value[scheme_end + 3] != '/')
    return fmt::format("CRI socket \"{}\": path is not absolute", value);
  return "";
}

std::string check_certificate_key(const std::string& value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(value[i])))
      return fmt::format("certificate key decoding error: character {} is not a hex digit", i + 1);
  }
  if (value.size() % 2 != 0) return "certificate key decoding error: odd length hex string";
  if (value.size() != 64)
    return fmt::format("invalid certificate key size {}, the key must be an AES key of size 32",
                       value.size() / 2);
  return "";
}

std::string check_cert_san(const std::string& value) {
  if (net::parse_ip(value)) return "";
  std::string host = value;
  if (host.rfind("*.", 0) == 0) host = host.substr(2);
  std::string lower = host;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (!host.empty() && check_dns1123_subdomain(lower).empty()) return "";
  return fmt::format("\"{}\": altname is not a valid IP address, DNS label or a DNS label with "
                     "subdomain wildcards",
                     value);
}

std::string check_encryption_algorithm(const std::string& value) {
  static const std::set<std::string> known = {"ECDSA-P256", "ECDSA-P384", "RSA-2048", "RSA-3072",
                                              "RSA-4096"};
  if (known.count(value)) return "";
  return fmt::format("Invalid encryption algorithm \"{}\". Must be one of [ECDSA-P256 ECDSA-P384 "
                     "RSA-2048 RSA-3072 RSA-4096]",
                     value);
}

std::vector<Error> validate(const ConfigSet& set) {
  Collector c(set);
  if (set.init) check_init(c, *set.init);
  if (set.cluster) check_cluster(c, *set.cluster);
  if (set.join) check_join(c, *set.join);
  if (set.reset) check_reset(c, *set.reset);
  return std::move(c.errors);
}

void check_valid(const ConfigSet& set) {
  auto errors = validate(set);
  if (errors.empty()) return;
  if (errors.size() == 1) throw errors.front();
  std::string message = fmt::format("{} problems in the configuration:", errors.size());
  for (const auto& e : errors) message += "\n  - " + e.render();
  throw Error(message, "", kExitConfig);
}

}  // namespace kadm::api
