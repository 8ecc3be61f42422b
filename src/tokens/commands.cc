#include "tokens/commands.h"

#include <fmt/format.h>

#include <algorithm>

#include "api/bootstrap_token.h"
#include "kube/apply.h"
#include "kubeconfig/kubeconfig.h"
#include "pki/cert.h"
#include "util/error.h"
#include "util/yaml_emit.h"

namespace kadm::tokens {
namespace {

constexpr const char* kSecretType = "bootstrap.kubernetes.io/token";

// Go's text/tabwriter with minwidth 10, padding 3, padchar ' ' over one block of lines: a
// column is as wide as its widest cell plus padding (at least 10); the last cell of a line is
// not a column.
std::string tabwrite(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i + 1 < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], std::max<size_t>(10, r[i].size() + 3));
    }
  std::string out;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      out += r[i];
      if (i + 1 < r.size()) out += std::string(width[i] - r[i].size(), ' ');
    }
    out += "\n";
  }
  return out;
}

std::string pad(const std::string& s, size_t n) { return s.size() >= n ? s : s + std::string(n - s.size(), ' '); }

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

nlohmann::ordered_json output_object(const Listed& t) {
  nlohmann::ordered_json o;
  o["kind"] = "BootstrapToken";
  o["apiVersion"] = "output.kubeadm.k8s.io/v1alpha1";
  o["creationTimestamp"] = nullptr;
  o["token"] = redacted(t.id);
  if (!t.description.empty()) o["description"] = t.description;
  if (!t.expires_text.empty()) o["expires"] = t.expires_text;
  if (!t.usages.empty()) o["usages"] = t.usages;
  if (!t.groups.empty()) o["groups"] = t.groups;
  return o;
}

}  // namespace

api::BootstrapToken token_from_request(const CreateRequest& r) {
  api::BootstrapToken t;
  if (r.token.empty()) {
    t.token = api::generate_token();
  } else {
    std::string why;
    if (!api::parse_token(r.token, &why))
      throw Error(fmt::format("the bootstrap token given as argument is invalid: {}", why),
                  fmt::format("a token has the form {}, e.g. from 'kadm token generate'", api::kTokenPattern), kExitConfig);
    t.token = r.token;
  }
  if (r.ttl.count() < 0)
    throw Error(fmt::format("invalid --ttl \"{}\": a token's time to live cannot be negative", format_duration(r.ttl)),
                "use a duration such as 1h30m, or 0 for a token that never expires", kExitConfig);
  t.ttl = r.ttl;
  t.usages = r.usages;
  t.groups = r.groups;
  t.description = r.description;
  validate_token(t, "--");
  return t;
}

void validate_token(const api::BootstrapToken& t, const std::string& where) {
  bool flags = where == "--";
  auto field = [&](const char* flag, const char* key) {
    return flags ? fmt::format("--{}", flag) : fmt::format("{}.{}", where, key);
  };
  if (auto m = api::validate_token_usages(t.usages); !m.empty())
    throw Error(fmt::format("{}: {}", field("usages", "usages"), m), "", kExitConfig);
  if (auto m = api::validate_token_groups(t.groups); !m.empty())
    throw Error(fmt::format("{}: {}", field("groups", "groups"), m), "", kExitConfig);
  if (!t.groups.empty() && std::find(t.usages.begin(), t.usages.end(), "authentication") == t.usages.end())
    throw Error("token groups cannot be specified unless --usages includes \"authentication\"",
                "add authentication to --usages, or drop --groups", kExitConfig);
  if (t.description.find('\n') != std::string::npos)
    throw Error(fmt::format("{}: a description is one line of text", field("description", "description")), "", kExitConfig);
}

void create_token(kube::Client& c, const api::BootstrapToken& t, Clock::time_point now) {
  auto parts = api::parse_token(t.token);
  if (!parts) throw Error("internal: creating an invalid token");
  kube::create_new(c, token_secret(t, now), fmt::format("a token with id \"{}\" already exists", parts->id));
}

ListResult list_tokens(kube::Client& c) {
  ListResult out;
  auto r = c.list(kube::Ref{"v1", "secrets", "kube-system", ""}, "", std::string("type=") + kSecretType);
  if (!r.status.ok())
    throw Error(fmt::format("failed to list bootstrap tokens: {}", r.status.describe()),
                "check the kubeconfig (--kubeconfig) and that the API server is reachable");
  if (!r.object.contains("items") || !r.object["items"].is_array()) return out;
  for (const auto& s : r.object["items"]) {
    if (s.value("type", "") != kSecretType) continue;  // servers ignoring the field selector
    std::string why;
    if (auto t = parse_token_secret(s, &why)) out.tokens.push_back(*t);
    else out.malformed.push_back(why);
  }
  std::sort(out.tokens.begin(), out.tokens.end(), [](const Listed& a, const Listed& b) { return a.id < b.id; });
  return out;
}

std::string redacted(const std::string& id) { return id + ".<redacted>"; }

std::string short_human_duration(std::chrono::seconds d) {
  long long s = d.count();
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 60) return fmt::format("{}s", s);
  long long m = s / 60;
  if (m < 60) return fmt::format("{}m", m);
  long long h = m / 60;
  if (h < 24) return fmt::format("{}h", h);
  if (h < 24 * 365) return fmt::format("{}d", h / 24);
  return fmt::format("{}y", h / 24 / 365);
}

std::string format_text(const std::vector<Listed>& tokens, Clock::time_point now) {
  // As upstream: the header shares its block with the first token; every later token is laid
  // out on its own, which the fixed-width cells keep aligned.
  std::string out;
  std::vector<std::vector<std::string>> block = {{"TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS"}};
  if (tokens.empty()) return tabwrite(block);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    std::string ttl = "<forever>", expires = "<never>";
    if (t.expires) {
      ttl = short_human_duration(std::chrono::duration_cast<std::chrono::seconds>(*t.expires - now));
      expires = t.expires_text;
    }
    std::string usages = t.usages.empty() ? "<none>" : joined(t.usages);
    std::string description = t.description.empty() ? "<none>" : t.description;
    std::string groups = t.groups.empty() ? "<none>" : joined(t.groups);
    block.push_back({redacted(t.id), pad(ttl, 9), expires, pad(usages, 22), pad(description, 56), groups});
    out += tabwrite(block);
    block.clear();
  }
  return out;
}

std::string format_json(const std::vector<Listed>& tokens) {
  std::string out;
  for (const auto& t : tokens) out += output_object(t).dump(4) + "\n";
  return out;
}

std::string format_yaml(const std::vector<Listed>& tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += "---\n";
    out += yaml::emit(nlohmann::json::parse(output_object(tokens[i]).dump()));
  }
  return out;
}

std::vector<std::string> ids_to_delete(const std::vector<std::string>& args) {
  if (args.empty())
    throw Error("missing subcommand; 'token delete' is missing token of form \"[a-z0-9]{6}\"",
                "pass token ids (abcdef) or whole tokens", kExitUsage);
  std::vector<std::string> ids;
  for (const auto& a : args) {
    if (api::is_token_id(a)) {
      ids.push_back(a);
      continue;
    }
    std::string why;
    auto parts = api::parse_token(a, &why);
    if (!parts)
      throw Error(fmt::format("given token didn't match pattern \"[a-z0-9]{{6}}\" or \"{}\": {}", api::kTokenPattern, why),
                  "nothing was deleted", kExitConfig);
    ids.push_back(parts->id);
  }
  return ids;
}

std::string delete_token(kube::Client& c, const std::string& id) {
  auto r = c.remove(kube::Ref{"v1", "secrets", "kube-system", "bootstrap-token-" + id});
  if (r.status.not_found())
    throw Error(fmt::format("failed to delete bootstrap token \"{}\": secrets \"bootstrap-token-{}\" not found", id, id),
                "'kadm token list' shows the tokens that exist");
  if (!r.status.ok())
    throw Error(fmt::format("failed to delete bootstrap token \"{}\": {}", id, r.status.describe()));
  return fmt::format("bootstrap token \"{}\" deleted", id);
}

std::string join_command_line(const std::string& kubeconfig_path, const std::string& token,
                              const std::string& certificate_key) {
  auto cfg = kubeconfig::load(kubeconfig_path);
  auto cur = kubeconfig::current(cfg, kubeconfig_path);
  const std::string& server = cur.cluster.server;
  auto scheme = server.find("://");
  std::string endpoint = scheme == std::string::npos ? server : server.substr(scheme + 3);
  if (auto slash = endpoint.find('/'); slash != std::string::npos) endpoint = endpoint.substr(0, slash);
  if (cur.ca_pem.empty())
    throw Error(fmt::format("{}: the current cluster has no certificate authority", kubeconfig_path),
                "a join command pins the cluster CA; use the admin kubeconfig kadm init wrote");
  std::string out = fmt::format("kadm join {} --token {} ", endpoint, token);
  for (const auto& c : pki::parse_certificates(cur.ca_pem, kubeconfig_path))
    out += fmt::format("--discovery-token-ca-cert-hash {} ", pki::spki_hash(c));
  if (!certificate_key.empty()) out += fmt::format("--control-plane --certificate-key {}", certificate_key);
  return out;
}

}  // namespace kadm::tokens
