#include "etcd/client.h"

#include <fmt/format.h>

#include "util/error.h"
#include "util/log.h"
#include "util/net.h"

namespace kadm::etcd {

using nlohmann::json;

namespace {

uint64_t parse_id(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer()) return static_cast<uint64_t>(v.get<int64_t>());
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    try {
      size_t used = 0;
      uint64_t id = std::stoull(s, &used, 10);
      if (used == s.size()) return id;
    } catch (const std::exception&) {
    }
  }
  throw Error(fmt::format("etcd returned a member ID that is not a number: {}", v.dump()));
}

std::vector<std::string> strings(const json& m, const char* key) {
  std::vector<std::string> out;
  if (m.contains(key) && m[key].is_array())
    for (const auto& s : m[key])
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

// "https://10.0.0.11:2379" → host "10.0.0.11", port 2379.
bool split_url(const std::string& url, std::string* host, int* port) {
  auto scheme = url.find("://");
  std::string rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('/'));
  if (!net::split_host_port(rest, host, port)) return false;
  return true;
}

}  // namespace

Member parse_member(const json& m) {
  Member out;
  if (m.contains("ID")) out.id = parse_id(m["ID"]);
  out.name = m.value("name", "");
  out.peer_urls = strings(m, "peerURLs");
  out.client_urls = strings(m, "clientURLs");
  out.learner = m.value("isLearner", false);
  return out;
}

std::vector<Member> parse_members(const json& response) {
  std::vector<Member> out;
  if (response.contains("members") && response["members"].is_array())
    for (const auto& m : response["members"]) out.push_back(parse_member(m));
  return out;
}

std::string display_name(const Member& m) {
  return m.name.empty() ? fmt::format("{:x}", m.id) : m.name;
}

std::string peer_url(const std::string& advertise_address) {
  return "https://" + net::join_host_port(advertise_address, kPeerPort);
}
std::string client_url(const std::string& advertise_address) {
  return "https://" + net::join_host_port(advertise_address, kClientPort);
}

Poster https_poster(const net::TlsConfig& tls) {
  return [tls](const std::string& endpoint, const std::string& path, const std::string& body,
               Duration timeout) {
    net::Response out;
    std::string host;
    int port = 0;
    if (!split_url(endpoint, &host, &port)) {
      out.error = net::TransportError::Other;
      out.error_text = "not an https://host:port URL";
      return out;
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    try {
      auto t = net::connect(host, port, tls, net::Timeouts{ms, ms});
      net::Request req;
      req.method = "POST";
      req.path = path;
      req.body = body;
      req.content_type = "application/json";
      return t->send(req);
    } catch (const Error& e) {
      out.error = net::TransportError::Other;
      out.error_text = e.what();
      return out;
    }
  };
}

Client::Client(std::vector<std::string> endpoints, Poster post, Duration call_timeout)
    : endpoints_(std::move(endpoints)), post_(std::move(post)), timeout_(call_timeout) {}

json Client::call(const std::string& path, const json& body) {
  std::string failures;
  for (const auto& ep : endpoints_) {
    auto r = post_(ep, path, body.dump(), timeout_);
    std::string why;
    if (r.error != net::TransportError::None) {
      why = net::describe(r.error) + (r.error_text.empty() ? "" : " (" + r.error_text + ")");
    } else {
      json parsed = json::parse(r.body, nullptr, false);
      if (r.status == 200 && !parsed.is_discarded()) return parsed;
      // The gateway reports gRPC errors as {"error": "...", "code": N, "message": "..."}.
      std::string msg =
          parsed.is_object() ? parsed.value("message", parsed.value("error", "")) : "";
      why = fmt::format("HTTP {}{}", r.status, msg.empty() ? "" : ": " + msg);
      // A definite answer from a member (e.g. "Peer URLs already exists") is not worth asking
      // another member about.
      if (r.status >= 400 && r.status < 500)
        throw Error(fmt::format("etcd {} at {}: {}", path, ep, why));
      if (parsed.is_object() && parsed.contains("code") && !msg.empty())
        throw Error(fmt::format("etcd {} at {}: {}", path, ep, why));
    }
    log::v(5, "[etcd] {} at {} failed: {}", path, ep, why);
    failures += (failures.empty() ? "" : "; ") + ep + ": " + why;
  }
  throw Error(fmt::format("etcd {} failed on every endpoint: {}", path,
                          failures.empty() ? "no endpoints" : failures));
}

std::vector<Member> Client::list() {
  return parse_members(call("/v3/cluster/member/list", json::object()));
}

Client::Added Client::add(const std::string& peer_url, bool learner) {
  json body = {{"peerURLs", {peer_url}}};
  if (learner) body["isLearner"] = true;
  auto resp = call("/v3/cluster/member/add", body);
  Added out;
  if (resp.contains("member")) out.member = parse_member(resp["member"]);
  out.members = parse_members(resp);
  return out;
}

std::optional<std::string> Client::promote(uint64_t id) {
  try {
    call("/v3/cluster/member/promote", json{{"ID", std::to_string(id)}});
    return std::nullopt;
  } catch (const Error& e) {
    return std::string(e.what());
  }
}

std::optional<std::string> Client::status(const std::string& endpoint) {
  auto r = post_(endpoint, "/v3/maintenance/status", "{}", timeout_);
  if (r.error != net::TransportError::None) return net::describe(r.error);
  if (r.status != 200) return fmt::format("HTTP {}: {}", r.status, r.body.substr(0, 200));
  return std::nullopt;
}

void Client::sync() {
  std::vector<std::string> eps;
  for (const auto& m : list())
    for (const auto& u : m.client_urls) eps.push_back(u);
  if (!eps.empty()) endpoints_ = eps;
}

}  // namespace kadm::etcd
