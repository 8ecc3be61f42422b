#include "tokens/secret.h"

#include <fmt/format.h>

#include <ctime>

#include "api/bootstrap_token.h"
#include "kubeconfig/kubeconfig.h"

namespace kadm::tokens {

std::string rfc3339_local(Clock::time_point t) {
  std::time_t tt = Clock::to_time_t(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  long off = tm.tm_gmtoff;
  if (off == 0) return std::string(buf) + "Z";
  char sign = off < 0 ? '-' : '+';
  off = off < 0 ? -off : off;
  return fmt::format("{}{}{:02}:{:02}", buf, sign, off / 3600, (off % 3600) / 60);
}

nlohmann::json token_secret(const api::BootstrapToken& token, Clock::time_point now) {
  auto parts = api::parse_token(token.token);
  std::string id = parts ? parts->id : "";
  std::string secret = parts ? parts->secret : "";
  auto b64 = [](const std::string& s) { return kubeconfig::base64_encode(s); };
  nlohmann::json data = {{"token-id", b64(id)}, {"token-secret", b64(secret)}};
  if (!token.description.empty()) data["description"] = b64(token.description);
  if (!token.expires.empty()) {
    data["expiration"] = b64(token.expires);
  } else if (token.ttl && token.ttl->count() > 0) {
    auto when = now + std::chrono::duration_cast<Clock::duration>(*token.ttl);
    data["expiration"] = b64(rfc3339_local(when));
  }
  for (const auto& u : token.usages) data["usage-bootstrap-" + u] = b64("true");
  if (!token.groups.empty()) {
    std::string joined;
    for (const auto& g : token.groups) joined += (joined.empty() ? "" : ",") + g;
    data["auth-extra-groups"] = b64(joined);
  }
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", "bootstrap-token-" + id}, {"namespace", "kube-system"}}},
          {"type", "bootstrap.kubernetes.io/token"},
          {"data", data}};
}

std::optional<Listed> parse_token_secret(const nlohmann::json& secret, std::string* why) {
  auto fail = [&](std::string m) -> std::optional<Listed> {
    if (why) *why = std::move(m);
    return std::nullopt;
  };
  std::string name = secret["metadata"].value("name", "");
  const auto data = secret.value("data", nlohmann::json::object());
  auto field = [&](const char* k) -> std::string {
    if (!data.contains(k) || !data[k].is_string()) return "";
    return kubeconfig::base64_decode(data[k].get<std::string>()).value_or("");
  };
  Listed l;
  l.id = field("token-id");
  if (!api::is_token_id(l.id)) return fail(fmt::format("Secret {} has no valid token-id", name));
  if (name != "bootstrap-token-" + l.id) return fail(fmt::format("Secret {} does not match its token-id {}", name, l.id));
  if (field("token-secret").size() != 16) return fail(fmt::format("Secret {} has no valid token-secret", name));
  l.description = field("description");
  l.expires_text = field("expiration");
  if (!l.expires_text.empty()) {
    std::tm tm{};
    const char* rest = strptime(l.expires_text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!rest) return fail(fmt::format("Secret {} has an invalid expiration \"{}\"", name, l.expires_text));
    long off = 0;
    if (*rest == '.') while (*++rest && std::isdigit(static_cast<unsigned char>(*rest))) {}
    if (*rest == '+' || *rest == '-') {
      int h = 0, m = 0;
      if (std::sscanf(rest + 1, "%2d:%2d", &h, &m) == 2) off = (h * 3600 + m * 60) * (*rest == '-' ? -1 : 1);
    }
    std::time_t t = timegm(&tm) - off;
    l.expires = Clock::from_time_t(t);
  }
  for (auto& [k, v] : data.items()) {
    if (k.rfind("usage-bootstrap-", 0) == 0 && field(k.c_str()) == "true") l.usages.push_back(k.substr(16));
  }
  std::string groups = field("auth-extra-groups");
  for (size_t start = 0; !groups.empty() && start <= groups.size();) {
    size_t comma = groups.find(',', start);
    l.groups.push_back(groups.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return l;
}

}  // namespace kadm::tokens
