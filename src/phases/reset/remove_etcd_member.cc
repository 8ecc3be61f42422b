// reset phase remove-etcd-member (upstream cmd/phases/reset/removeetcdmember.go and
// etcd.RemoveStackedEtcdMemberFromCluster): a node with a local (stacked) etcd removes its member
// from the etcd cluster through etcd's v3 JSON gateway, with the healthcheck-client identity, so
// the remaining members keep their quorum. The last member is left alone at once (no retries).
// Failures are warnings: the member can still be removed by hand with etcdctl.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <thread>

#include "api/yaml_reader.h"
#include <nlohmann/json.hpp>

#include "net/transport.h"
#include "phases/reset/data.h"
#include "util/error.h"
#include "util/log.h"
#include "util/net.h"

namespace kadm::phases::reset {
namespace {

struct LocalEtcd {
  std::string data_dir;
  std::string peer_url;                   // --initial-advertise-peer-urls (first)
  std::vector<std::string> client_urls;   // --advertise-client-urls, --listen-client-urls
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// What the etcd static Pod manifest says about the local member; nullopt without a manifest.
std::optional<LocalEtcd> read_manifest(host::Machine& m, const std::string& path) {
  auto text = m.read_file(path);
  if (!text) return std::nullopt;
  kube::json pod;
  try {
    pod = api::to_json(YAML::Load(*text));
  } catch (const std::exception& e) {
    log::warning(fmt::format("[reset] {} is not valid YAML: {}", path, e.what()));
    return std::nullopt;
  }
  LocalEtcd out;
  for (const auto& v : pod["spec"].value("volumes", kube::json::array()))
    if (v.value("name", "") == "etcd-data" && v.contains("hostPath")) out.data_dir = v["hostPath"].value("path", "");
  for (const auto& c : pod["spec"].value("containers", kube::json::array())) {
    for (const auto& a : c.value("command", kube::json::array())) {
      if (!a.is_string()) continue;
      std::string arg = a.get<std::string>();
      auto value = [&](const char* flag) -> std::optional<std::string> {
        std::string prefix = std::string("--") + flag + "=";
        if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
        return std::nullopt;
      };
      if (auto v = value("initial-advertise-peer-urls"); v && !split(*v).empty()) out.peer_url = split(*v).front();
      if (auto v = value("advertise-client-urls")) for (const auto& u : split(*v)) out.client_urls.push_back(u);
      if (auto v = value("listen-client-urls"))
        for (const auto& u : split(*v))
          if (std::find(out.client_urls.begin(), out.client_urls.end(), u) == out.client_urls.end()) out.client_urls.push_back(u);
    }
  }
  if (out.data_dir.empty()) return std::nullopt;
  return out;
}

// etcd's v3 JSON gateway on one client URL: POST path with body, bounded by `timeout`.
net::Response gateway_post(const std::string& url, const net::TlsConfig& tls, const std::string& path,
                           const std::string& body, Duration timeout) {
  net::Response out;
  std::string hostport = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  hostport = hostport.substr(0, hostport.find('/'));
  std::string host;
  int port = 0;
  if (url.rfind("https://", 0) != 0 || !net::split_host_port(hostport, &host, &port)) {
    out.error = net::TransportError::Other;
    out.error_text = "not an https://host:port URL: " + url;
    return out;
  }
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  auto ms = std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  try {
    auto t = net::connect(host, port, tls, net::Timeouts{ms, ms});
    return t->send(net::Request{"POST", path, body, "application/json", {}});
  } catch (const Error& e) {
    out.error = net::TransportError::Other;
    out.error_text = e.what();
    return out;
  }
}

struct Member {
  uint64_t id = 0;
  std::string name;
  std::vector<std::string> peer_urls, client_urls;
};

std::vector<std::string> strings(const kube::json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array())
    for (const auto& s : j[key])
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

// The gateway writes uint64 member ids as JSON strings.
std::vector<Member> parse_members(const std::string& body) {
  auto j = kube::json::parse(body, nullptr, false);
  if (j.is_discarded()) throw Error("etcd answered the member list with invalid JSON");
  std::vector<Member> out;
  for (const auto& m : j.value("members", kube::json::array())) {
    Member x;
    if (m.contains("ID") && m["ID"].is_string()) x.id = std::stoull(m["ID"].get<std::string>());
    else if (m.contains("ID") && m["ID"].is_number_unsigned()) x.id = m["ID"].get<uint64_t>();
    x.name = m.value("name", "");
    x.peer_urls = strings(m, "peerURLs");
    x.client_urls = strings(m, "clientURLs");
    out.push_back(x);
  }
  return out;
}

std::string display_name(const Member& m) { return m.name.empty() ? fmt::format("{:x}", m.id) : m.name; }

std::string describe_members(const std::vector<Member>& members) {
  std::string out;
  for (const auto& m : members) out += (out.empty() ? "" : ", ") + display_name(m);
  return out;
}

}  // namespace

void run_remove_etcd_member(ResetData& d) {
  auto& m = d.machine();
  log::v(1, "[reset] Checking for etcd config");
  std::string manifest = d.manifests_dir() + "/etcd.yaml";
  auto local = read_manifest(m, manifest);
  std::string data_dir;
  if (d.cluster && d.cluster->etcd.local) data_dir = d.cluster->etcd.local->data_dir;
  if (data_dir.empty() && local) {
    log::v(1, "[reset] No kubeadm config, using etcd pod spec to get data directory");
    data_dir = local->data_dir;
  }
  if (data_dir.empty()) {
    log::progress("[reset] No etcd config found. Assuming external etcd");
    log::progress("[reset] Please, manually reset etcd to prevent further issues");
    return;
  }
  d.dirs_to_clean.push_back(data_dir);
  if (!local || local->peer_url.empty() || local->client_urls.empty()) {
    log::v(1, "[reset] No etcd manifest at {}: no local etcd member to remove", manifest);
    return;
  }
  if (d.dry_run()) {
    log::progress("[reset] Would remove the etcd member on this node from the etcd cluster");
    return;
  }
  const std::string& certs = d.cfg.certificates_dir;
  auto ca = m.read_file(certs + "/etcd/ca.crt");
  auto cert = m.read_file(certs + "/etcd/healthcheck-client.crt");
  auto key = m.read_file(certs + "/etcd/healthcheck-client.key");
  auto fail = [&](const std::string& why) {
    log::warning(fmt::format("[reset] Failed to remove etcd member: {}, please manually remove this etcd member using etcdctl", why));
    d.left_behind.push_back(fmt::format(
        "etcd member {} may still be in the etcd cluster: {} (remove it with 'etcdctl member remove <id>' on another "
        "control-plane node)",
        local->peer_url, why));
  };
  if (!ca || !cert || !key) {
    fail(fmt::format("the etcd CA or the healthcheck-client certificate and key are missing in {}/etcd", certs));
    return;
  }
  net::TlsConfig tls;
  tls.ca_pem = *ca;
  tls.client_cert_pem = *cert;
  tls.client_key_pem = *key;
  // Bounded: each call 10 s at most, the whole phase at most the configured etcdAPICall timeout.
  Duration budget = d.cfg.timeouts && d.cfg.timeouts->etcd_api_call ? *d.cfg.timeouts->etcd_api_call
                                                                      : Duration(std::chrono::minutes(2));
  auto deadline = std::chrono::steady_clock::now() + budget;
  std::vector<Member> members;
  std::string last;
  for (int attempt = 0; members.empty(); ++attempt) {
    for (const auto& ep : local->client_urls) {
      auto resp = gateway_post(ep, tls, "/v3/cluster/member/list", "{}", std::chrono::seconds(10));
      if (resp.error == net::TransportError::None && resp.status == 200) {
        try {
          members = parse_members(resp.body);
        } catch (const std::exception& e) {
          last = fmt::format("{}: {}", ep, e.what());
        }
        if (!members.empty()) break;
      } else {
        last = resp.error != net::TransportError::None ? fmt::format("{}: {}", ep, resp.error_text)
                                                        : fmt::format("{}: HTTP {}", ep, resp.status);
      }
    }
    if (!members.empty()) break;
    // A local member that does not answer at all is not worth waiting for.
    if (attempt >= 2 || std::chrono::steady_clock::now() > deadline) {
      fail("cannot list the etcd members: " + last);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  const Member* self = nullptr;
  for (const auto& mem : members)
    for (const auto& u : mem.peer_urls)
      if (u == local->peer_url) self = &mem;
  if (!self) {
    log::v(1, "[reset] No etcd member with peer URL {} among [{}]; nothing to remove", local->peer_url, describe_members(members));
    return;
  }
  if (members.size() == 1) {
    // Upstream: the only remaining member is not removed (and not waited on).
    log::v(1, "[etcd] This is the only remaining etcd member in the etcd cluster, skip removing it");
    return;
  }
  // Ask the other members first: this member stops serving once it is removed.
  std::vector<std::string> endpoints;
  for (const auto& mem : members)
    if (&mem != self)
      for (const auto& u : mem.client_urls) endpoints.push_back(u);
  for (const auto& u : local->client_urls) endpoints.push_back(u);
  uint64_t id = self->id;
  log::v(1, "[etcd] removing etcd member: {}, id: {}", local->peer_url, id);
  std::string body = fmt::format("{{\"ID\":\"{}\"}}", id);
  while (true) {
    for (const auto& ep : endpoints) {
      auto remaining = deadline - std::chrono::steady_clock::now();
      if (remaining <= std::chrono::seconds(0)) break;
      auto resp = gateway_post(ep, tls, "/v3/cluster/member/remove", body,
                       std::min<Duration>(std::chrono::seconds(10), std::chrono::duration_cast<Duration>(remaining)));
      if (resp.error == net::TransportError::None && resp.status == 200) {
        log::progress("[reset] Removed etcd member {} ({:x}) from the etcd cluster", display_name(*self), id);
        return;
      }
      // Removed meanwhile (e.g. by a retry that timed out after the server acted).
      if (resp.body.find("member not found") != std::string::npos) return;
      last = resp.error != net::TransportError::None ? fmt::format("{}: {}", ep, resp.error_text)
                                                      : fmt::format("{}: HTTP {}: {}", ep, resp.status, resp.body.substr(0, 200));
    }
    if (std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  fail(fmt::format("timed out removing member {:x}: {}", id, last));
}

}  // namespace kadm::phases::reset
