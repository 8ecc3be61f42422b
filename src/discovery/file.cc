// File discovery (reference §6.3): a kubeconfig from a path or an https:// URL (verified with
// the host's CA bundle), its CA (and credentials) embedded, refreshed from cluster-info over TLS
// verified against that CA.
#include <fmt/format.h>

#include "discovery/cluster_info.h"
#include "discovery/discovery.h"
#include "discovery/poll.h"
#include "host/fs.h"
#include "util/error.h"
#include "util/log.h"
#include "util/net.h"

namespace kadm::discovery {

using namespace detail;

namespace {

bool is_url(const std::string& s) {
  return s.find("://") != std::string::npos;
}

std::string https_get(const std::string& url) {
  // https://host[:port]/path — the host's CA bundle verifies the server (reference §6.3).
  std::string rest = url.substr(8);
  auto slash = rest.find('/');
  std::string hostport = slash == std::string::npos ? rest : rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string host;
  int port = 443;
  if (!net::split_host_port(hostport, &host, &port)) {
    host = hostport;
    if (!host.empty() && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
  }
  auto t = net::connect(host, port, net::TlsConfig{}, net::Timeouts{});
  net::Request req;
  req.method = "GET";
  req.path = path;
  auto res = t->send(req);
  if (res.error != net::TransportError::None) {
    throw Error(
        fmt::format("cannot fetch the discovery file {}: {}", url, net::describe(res.error)),
        "check the URL; its server must present a certificate the host's CA bundle trusts",
        res.error == net::TransportError::TLSVerify || res.error == net::TransportError::TLS
            ? kExitFailure
            : kExitUnreachable);
  }
  if (res.status != 200)
    throw Error(fmt::format("cannot fetch the discovery file {}: HTTP {}", url, res.status),
                "check the URL", kExitFailure);
  return res.body;
}

}  // namespace

kubeconfig::Config discover_file(const std::string& path_or_url, const Options& opts) {
  Options o = with_defaults(opts);
  std::string origin = path_or_url;
  kubeconfig::Config config;
  if (is_url(path_or_url)) {
    if (path_or_url.rfind("https://", 0) != 0)
      throw Error(fmt::format("--discovery-file \"{}\": if a URL is used, the scheme must be https",
                              path_or_url),
                  "", kExitConfig);
    std::string text = o.fetch_url ? o.fetch_url(path_or_url) : https_get(path_or_url);
    config = kubeconfig::parse(text, path_or_url);
  } else {
    config = kubeconfig::load(path_or_url);
  }
  if (config.clusters.empty())
    throw Error(fmt::format("the discovery file {} must have at least one Cluster defined", origin),
                "", kExitConfig);
  // The current context's cluster, or the only (unnamed) one.
  kubeconfig::Cluster* cluster = nullptr;
  kubeconfig::User* user = nullptr;
  if (const auto* ctx = config.find_context(config.current_context)) {
    for (auto& c : config.clusters)
      if (c.name == ctx->cluster) cluster = &c;
    for (auto& u : config.users)
      if (u.name == ctx->user) user = &u;
  }
  if (!cluster && config.clusters.size() == 1) cluster = &config.clusters.front();
  if (!cluster)
    throw Error(fmt::format("the discovery file {} must have a unnamed Cluster or a CurrentContext "
                            "that specifies a "
                            "non-nil Cluster",
                            origin),
                "", kExitConfig);
  if (cluster->ca_data.empty() && !cluster->ca_file.empty()) {
    auto ca = host::read_file(cluster->ca_file);
    if (!ca)
      throw Error(fmt::format("{}: the CA file {} does not exist", origin, cluster->ca_file), "",
                  kExitConfig);
    cluster->ca_data = *ca;
    cluster->ca_file.clear();
  }
  if (cluster->ca_data.empty())
    throw Error(fmt::format("{}: the cluster \"{}\" has no certificate-authority-data", origin,
                            cluster->name),
                "a discovery file must carry the cluster CA", kExitConfig);
  kubeconfig::Config out;
  Target target;
  target.server = cluster->server;
  target.tls.ca_pem = cluster->ca_data;
  if (user && has_credentials(*user)) {
    log::v(1,
           "[discovery] Using authentication credentials from the discovery file for validating "
           "TLS connection");
    auto cur = kubeconfig::current(config, origin);  // embeds file references
    kubeconfig::User embedded = *user;
    embedded.client_cert_data = cur.cert_pem;
    embedded.client_key_data = cur.key_pem;
    embedded.client_cert_file.clear();
    embedded.client_key_file.clear();
    out.clusters = {*cluster};
    out.users = {embedded};
    out.contexts = {*config.find_context(config.current_context)};
    out.current_context = config.current_context;
    target.tls.client_cert_pem = cur.cert_pem;
    target.tls.client_key_pem = cur.key_pem;
    target.bearer_token = user->token;
  } else {
    log::v(1,
           "[discovery] Discovery file does not contains authentication credentials, using "
           "unauthenticated "
           "request for validating TLS connection");
    kubeconfig::Cluster c = *cluster;
    c.name = kDefaultClusterName;
    out.clusters = {c};
    out.contexts = {
        kubeconfig::Context{"@" + std::string(kDefaultClusterName), kDefaultClusterName, "", ""}};
    out.users = {kubeconfig::User{}};
    out.current_context = out.contexts.front().name;
  }
  log::v(1, "[discovery] Created cluster-info discovery client, requesting info from \"{}\"",
         cluster->server);
  auto deadline = Clock::now() + o.timeout;
  bool reported = false;
  for (;;) {
    auto r = o.get(target, clamp_request(deadline - Clock::now()));
    if (r.status.forbidden()) {
      log::warning(
          "[discovery] Could not access the cluster-info ConfigMap for refreshing the cluster-info "
          "information, but the TLS cert is valid so proceeding...");
      return out;
    }
    if (r.status.ok()) {
      const kube::json data =
          r.object.is_object() ? r.object.value("data", kube::json()) : kube::json();
      if (data.is_object() && data.contains(kKubeconfigKey) && data[kKubeconfigKey].is_string()) {
        try {
          auto fresh = kubeconfig::parse(data[kKubeconfigKey].get<std::string>(),
                                         "the cluster-info ConfigMap");
          if (!fresh.clusters.empty()) {
            out.clusters.front().server = fresh.clusters.front().server;
            out.clusters.front().ca_data = fresh.clusters.front().ca_data;
            log::v(1,
                   "[discovery] Synced Server and CertificateAuthorityData from the cluster-info "
                   "ConfigMap");
          }
        } catch (const Error& e) {
          log::v(1,
                 "[discovery] The cluster-info ConfigMap isn't set up properly ({}), but the TLS "
                 "cert is valid "
                 "so proceeding...",
                 e.what());
        }
      }
      return out;
    }
    std::string what = r.status.code == 0 ? transport_text(r.status) : r.status.describe();
    if (r.status.code == 0 && r.status.transport == net::TransportError::TLSVerify) {
      throw Error(
          fmt::format(
              "the API server at {} does not present a certificate signed by the CA in {} ({})",
              cluster->server, origin, what),
          "the discovery file belongs to another cluster, or the server address is wrong",
          kExitFailure);
    }
    auto left = deadline - Clock::now();
    if (!reported) {
      log::progress(
          "[discovery] {}: error reading the cluster-info ConfigMap: {}; retrying for up to {}",
          cluster->server, what, seconds_text(std::max<Duration>(left, Duration::zero())));
      reported = true;
    }
    if (left <= Duration::zero()) {
      throw Error(
          fmt::format("Abort reading the cluster-info ConfigMap after timeout of {}: {}",
                      format_duration(o.timeout), what),
          fmt::format("the API server in {} ({}) could not be read", origin, cluster->server),
          r.status.code == 0 ? kExitUnreachable : kExitFailure);
    }
    o.sleep(std::min<Duration>(o.interval, left));
  }
}

}  // namespace kadm::discovery
