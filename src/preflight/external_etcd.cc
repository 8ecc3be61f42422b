// ExternalEtcdVersion: GET <endpoint>/version with the configured CA and client pair, 3 retries
// 5 s apart on transport errors (upstream's externalEtcdRequestRetries/Interval), each request
// bounded by 10 s.
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "net/transport.h"
#include "host/machine.h"
#include "preflight/checks.h"
#include "util/error.h"
#include "util/net.h"
#include "versions/version.h"

namespace kadm::preflight {
namespace {

// GET <endpoint>/version; the "etcdserver" field, or throws kadm::Error saying why not.
std::string etcd_server_version(const std::string& endpoint, const net::TlsConfig& tls) {
  auto sep = endpoint.find("://");
  if (sep == std::string::npos) throw Error(fmt::format("failed to parse external etcd endpoint {}", endpoint));
  std::string scheme = endpoint.substr(0, sep);
  std::string rest = endpoint.substr(sep + 3);
  std::string prefix;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    prefix = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  std::string host;
  int port = 0;
  if (!net::split_host_port(rest, &host, &port)) {
    host = rest;
    port = scheme == "https" ? 443 : 80;
  }
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  net::Timeouts t{std::chrono::milliseconds(10000), std::chrono::milliseconds(10000)};
  auto conn = scheme == "https" ? net::connect(host, port, tls, t) : net::connect_plain(host, port, t);
  auto resp = conn->send(net::Request{"GET", prefix + "/version", "", "", {}});
  if (resp.error != net::TransportError::None)
    throw Error(fmt::format("Get \"{}{}/version\": {}: {}", endpoint, "", net::describe(resp.error), resp.error_text));
  if (resp.status >= 500)
    throw Error(fmt::format("server responded with non-successful status: {}", resp.status));
  auto j = nlohmann::json::parse(resp.body, nullptr, false);
  if (j.is_discarded() || !j.contains("etcdserver") || !j["etcdserver"].is_string())
    throw Error(fmt::format("{}/version answered without an etcdserver version", endpoint));
  return j["etcdserver"].get<std::string>();
}

}  // namespace

Check external_etcd_version(const api::ExternalEtcd& ext, const std::string& minimum) {
  return {"ExternalEtcdVersion", [ext, minimum](Env& e) {
            Result r;
            if (ext.endpoints.empty()) return r;
            net::TlsConfig tls;
            if (!ext.ca_file.empty()) {
              auto ca = e.machine.read_file(ext.ca_file);
              if (!ca) {
                r.errors.push_back(fmt::format("couldn't load external etcd's server certificate {}: no such file", ext.ca_file));
                return r;
              }
              tls.ca_pem = *ca;
            }
            if (!ext.cert_file.empty() && !ext.key_file.empty()) {
              auto cert = e.machine.read_file(ext.cert_file);
              auto key = e.machine.read_file(ext.key_file);
              if (!cert || !key) {
                r.errors.push_back(fmt::format("couldn't load external etcd's certificate and key pair {}, {}",
                                               ext.cert_file, ext.key_file));
                return r;
              }
              tls.client_cert_pem = *cert;
              tls.client_key_pem = *key;
            }
            auto min = versions::parse_version(minimum);
            for (const auto& endpoint : ext.endpoints) {
              std::string version, last;
              for (int attempt = 0; attempt < 4 && version.empty(); ++attempt) {
                if (attempt > 0) std::this_thread::sleep_for(std::chrono::seconds(5));
                try {
                  version = etcd_server_version(endpoint, tls);
                } catch (const Error& err) {
                  last = err.what();
                }
              }
              if (version.empty()) {
                r.errors.push_back(last);
                continue;
              }
              auto v = versions::parse_version(version);
              if (!v) {
                r.errors.push_back(fmt::format("couldn't parse external etcd version \"{}\"", version));
                continue;
              }
              if (min && *v < *min)
                r.errors.push_back(fmt::format(
                    "this version of kubeadm only supports external etcd version >= {}. Current version: {}", minimum, version));
            }
            return r;
          }};
}

}  // namespace kadm::preflight
