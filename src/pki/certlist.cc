#include "pki/certlist.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "api/validate.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::pki {
namespace {

constexpr std::chrono::minutes kBackdate{5};  // upstream constants.CertificateBackdate

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  // Upstream RemoveDuplicateAltNames: DNS names become a sorted set, IPs keep their order.
  std::set<std::string> s(v.begin(), v.end());
  return {s.begin(), s.end()};
}

std::vector<net::IP> unique_ips(const std::vector<net::IP>& ips) {
  std::vector<net::IP> out;
  for (const auto& ip : ips)
    if (std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(ip);
  return out;
}

net::IP parse_advertise(const std::string& addr) {
  auto ip = net::parse_ip(addr);
  if (!ip) {
    throw Error(SourceLocation{"", "InitConfiguration", "localAPIEndpoint.advertiseAddress", 0, 0},
                fmt::format("\"{}\" is not a valid textual representation of an IP address", addr),
                "set an IP address of this host, or pass --apiserver-advertise-address",
                kExitConfig);
  }
  return *ip;
}

// Extra SANs: IPs and (wildcard) DNS names; anything else is skipped with upstream's warning.
void append_sans(std::vector<std::string>& dns, std::vector<net::IP>& ips,
                 const std::vector<std::string>& sans, const char* cert_name) {
  for (const auto& san : sans) {
    if (auto ip = net::parse_ip(san)) {
      ips.push_back(*ip);
    } else if (api::check_cert_san(san).empty()) {
      dns.push_back(san);
    } else {
      log::warning(
          fmt::format("[certificates] WARNING: '{}' was not added to the '{}' SAN, because it is "
                      "not a valid IP or RFC-1123 compliant DNS entry",
                      san, cert_name));
    }
  }
}

void set_validity(CertSpec& s, const PkiInputs& in, const Certificate* ca) {
  const auto& r = *in.release;
  auto period = s.is_ca ? in.ca_validity : in.validity;
  if (r.leaf_backdate) {
    s.not_before = in.start - kBackdate;
  } else if (s.is_ca) {
    s.not_before = r.ca_backdate ? in.start - kBackdate : in.start;
  } else {
    // Before v1.31 a leaf's validity starts where its CA's does.
    s.not_before = ca ? ca->not_before() : in.start;
  }
  s.not_after = in.start + period;
  if (ca && s.not_after > ca->not_after()) {
    // A leaf cannot outlive the CA that signs it: cap it and say so.
    log::warning(
        fmt::format("the validity of certificate \"{}\" would end after its CA's ({}); capping it "
                    "to the CA's expiry",
                    s.common_name, ca->issuer_common_name()));
    s.not_after = ca->not_after();
  }
}

}  // namespace

const std::vector<CertDef>& cert_list() {
  static const std::vector<CertDef> list = {
      {"ca", "ca", "",
       "self-signed Kubernetes CA to provision identities for other Kubernetes components", false},
      {"apiserver", "apiserver", "ca", "certificate for serving the Kubernetes API", false},
      {"apiserver-kubelet-client", "apiserver-kubelet-client", "ca",
       "certificate for the API server to connect to kubelet", false},
      {"front-proxy-ca", "front-proxy-ca", "",
       "self-signed CA to provision identities for front proxy", false},
      {"front-proxy-client", "front-proxy-client", "front-proxy-ca",
       "certificate for the front proxy client", false},
      {"etcd-ca", "etcd/ca", "", "self-signed CA to provision identities for etcd", true},
      {"etcd-server", "etcd/server", "etcd-ca", "certificate for serving etcd", true},
      {"etcd-peer", "etcd/peer", "etcd-ca",
       "certificate for etcd nodes to communicate with each other", true},
      {"etcd-healthcheck-client", "etcd/healthcheck-client", "etcd-ca",
       "certificate for liveness probes to healthcheck etcd", true},
      {"apiserver-etcd-client", "apiserver-etcd-client", "etcd-ca",
       "certificate the apiserver uses to access etcd", true},
  };
  return list;
}

const CertDef* find_cert(const std::string& name) {
  for (const auto& d : cert_list())
    if (name == d.name) return &d;
  return nullptr;
}

const CertDef& ca_of(const CertDef& leaf) {
  const CertDef* ca = find_cert(leaf.ca_name);
  if (!ca) throw Error(fmt::format("internal: certificate {} has no CA", leaf.name));
  return *ca;
}

PkiInputs pki_inputs(const api::InitConfiguration& init, const api::ClusterConfiguration& cluster,
                     const versions::Release& release) {
  PkiInputs in;
  in.node_name = init.node_registration.name;
  in.advertise_address = init.local_api_endpoint.advertise_address;
  in.control_plane_endpoint = cluster.control_plane_endpoint;
  in.service_subnet = cluster.networking.service_subnet;
  in.dns_domain = cluster.networking.dns_domain;
  in.apiserver_cert_sans = cluster.api_server.cert_sans;
  if (cluster.etcd.local) {
    in.etcd_server_cert_sans = cluster.etcd.local->server_cert_sans;
    in.etcd_peer_cert_sans = cluster.etcd.local->peer_cert_sans;
  }
  in.external_etcd = cluster.etcd.external.has_value();
  auto algo = parse_algorithm(cluster.encryption_algorithm);
  if (!algo) {
    throw Error(SourceLocation{"", "ClusterConfiguration", "encryptionAlgorithm", 0, 0},
                fmt::format("unknown encryption algorithm \"{}\"", cluster.encryption_algorithm),
                "use RSA-2048, RSA-3072, RSA-4096, ECDSA-P256 or ECDSA-P384", kExitConfig);
  }
  in.algorithm = *algo;
  using std::chrono::duration_cast;
  in.validity = duration_cast<std::chrono::seconds>(
      cluster.certificate_validity_period.value_or(std::chrono::hours(24 * 365)));
  in.ca_validity = duration_cast<std::chrono::seconds>(
      cluster.ca_certificate_validity_period.value_or(std::chrono::hours(24 * 365 * 10)));
  in.release = &release;
  // One start time for the whole process, as upstream's kubeadmutil.StartTimeUTC().
  static const TimePoint start = now_seconds();
  in.start = start;
  return in;
}

net::IP apiserver_service_ip(const std::string& service_subnet) {
  auto first = net::split_comma(service_subnet);
  auto cidr = first.empty() ? std::nullopt : net::parse_cidr(first.front());
  auto ip = cidr ? net::nth_ip(*cidr, 1) : std::nullopt;
  if (!ip) {
    throw Error(SourceLocation{"", "ClusterConfiguration", "networking.serviceSubnet", 0, 0},
                fmt::format("unable to get the first IP address from the service subnet \"{}\"",
                            service_subnet),
                "use a CIDR with room for at least one address, e.g. 10.96.0.0/12", kExitConfig);
  }
  return *ip;
}

CertSpec cert_spec(const CertDef& def, const PkiInputs& in, const Certificate* ca) {
  const auto& r = *in.release;
  CertSpec s;
  std::string name = def.name;
  std::vector<std::string> dns;
  std::vector<net::IP> ips;
  s.is_ca = def.ca_name[0] == '\0';
  s.basic_constraints = s.is_ca || r.leaf_basic_constraints;
  s.skid = r.skid_sha256 ? SkidHash::kSha256Truncated : SkidHash::kSha1;
  using U = ExtUsage;
  if (name == "ca") {
    s.common_name = "kubernetes";
  } else if (name == "front-proxy-ca") {
    s.common_name = "front-proxy-ca";
  } else if (name == "etcd-ca") {
    s.common_name = "etcd-ca";
  } else if (name == "apiserver") {
    s.common_name = "kube-apiserver";
    s.usages = {U::kServerAuth};
    dns = {in.node_name, "kubernetes", "kubernetes.default", "kubernetes.default.svc",
           "kubernetes.default.svc." + in.dns_domain};
    ips = {apiserver_service_ip(in.service_subnet), parse_advertise(in.advertise_address)};
    if (!in.control_plane_endpoint.empty()) {
      std::string host;
      int port = 0;
      if (!net::split_host_port(in.control_plane_endpoint, &host, &port))
        host = in.control_plane_endpoint;
      if (auto ip = net::parse_ip(host))
        ips.push_back(*ip);
      else
        dns.push_back(host);
    }
    append_sans(dns, ips, in.apiserver_cert_sans, "apiserver");
  } else if (name == "apiserver-kubelet-client") {
    s.common_name = "kube-apiserver-kubelet-client";
    s.organizations = {r.kubelet_client_group};
    s.usages = {U::kClientAuth};
  } else if (name == "front-proxy-client") {
    s.common_name = "front-proxy-client";
    s.usages = {U::kClientAuth};
  } else if (name == "etcd-server" || name == "etcd-peer") {
    s.common_name = in.node_name;
    // etcd 3.2 requires ClientAuth on server certificates too (etcd-io/etcd#9785).
    s.usages = {U::kServerAuth, U::kClientAuth};
    dns = {in.node_name, "localhost"};
    ips = {parse_advertise(in.advertise_address), *net::parse_ip("127.0.0.1"),
           *net::parse_ip("::1")};
    bool server = name == "etcd-server";
    append_sans(dns, ips, server ? in.etcd_server_cert_sans : in.etcd_peer_cert_sans,
                server ? "etcd/server" : "etcd/peer");
  } else if (name == "etcd-healthcheck-client") {
    s.common_name = "kube-etcd-healthcheck-client";
    if (r.etcd_clients_system_masters) s.organizations = {"system:masters"};
    s.usages = {U::kClientAuth};
  } else if (name == "apiserver-etcd-client") {
    s.common_name = "kube-apiserver-etcd-client";
    if (r.etcd_clients_system_masters) s.organizations = {"system:masters"};
    s.usages = {U::kClientAuth};
  } else {
    throw Error("internal: no certificate spec for " + name);
  }
  if (s.is_ca) {
    if (r.ca_dns_san) dns = {s.common_name};
    if (!r.ca_random_serial) s.serial = 0;
  }
  if (!s.is_ca || !dns.empty()) s.dns_names = s.is_ca ? dns : sorted_unique(dns);
  s.ips = unique_ips(ips);
  set_validity(s, in, s.is_ca ? nullptr : ca);
  return s;
}

CertSpec client_spec(const std::string& common_name, const std::vector<std::string>& orgs,
                     const PkiInputs& in, const Certificate& ca) {
  CertSpec s;
  s.common_name = common_name;
  s.organizations = orgs;
  s.usages = {ExtUsage::kClientAuth};
  s.basic_constraints = in.release->leaf_basic_constraints;
  set_validity(s, in, &ca);
  return s;
}

}  // namespace kadm::pki
