#include "kubeconfig/kubeconfig.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "host/fs.h"
#include "util/error.h"
#include "util/yaml_emit.h"

namespace kadm::kubeconfig {
namespace {

[[noreturn]] void fail(const std::string& file, const std::string& field,
                       const std::string& message) {
  throw Error(SourceLocation{file, "", field, 0, 0}, message, "fix or remove the kubeconfig file",
              kExitConfig);
}

std::string scalar(const YAML::Node& n, const char* key) {
  auto v = n[key];
  return v && v.IsScalar() ? v.as<std::string>() : "";
}

std::string decode_field(const YAML::Node& n, const char* key, const std::string& file,
                         const std::string& path) {
  std::string text = scalar(n, key);
  if (text.empty()) return "";
  auto d = base64_decode(text);
  if (!d) fail(file, path + "." + key, "the value is not valid base64");
  return *d;
}

std::string resolve(const std::string& path, const std::string& file) {
  if (path.empty() || path[0] == '/') return path;
  auto slash = file.rfind('/');
  return slash == std::string::npos ? path : file.substr(0, slash + 1) + path;
}

std::string read_ref(const std::string& path, const std::string& file, const std::string& field) {
  auto text = host::read_file(path);
  if (!text) fail(file, field, fmt::format("the referenced file {} does not exist", path));
  return *text;
}

}  // namespace

std::string base64_encode(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(const std::string& in) {
  std::string text;
  for (char c : in)
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') text += c;
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

const Cluster* Config::find_cluster(const std::string& n) const {
  for (const auto& c : clusters)
    if (c.name == n) return &c;
  return nullptr;
}
const Context* Config::find_context(const std::string& n) const {
  for (const auto& c : contexts)
    if (c.name == n) return &c;
  return nullptr;
}
const User* Config::find_user(const std::string& n) const {
  for (const auto& u : users)
    if (u.name == n) return &u;
  return nullptr;
}

static Config basic(const std::string& server, const std::string& cluster_name,
                    const std::string& user, const std::string& ca_pem) {
  Config c;
  c.clusters.push_back(Cluster{cluster_name, server, ca_pem, "", false});
  std::string ctx = user + "@" + cluster_name;
  c.contexts.push_back(Context{ctx, cluster_name, user, ""});
  c.users.push_back(User{user, "", "", "", "", ""});
  c.current_context = ctx;
  return c;
}

Config with_client_cert(const std::string& server, const std::string& cluster_name,
                        const std::string& user, const std::string& ca_pem,
                        const std::string& key_pem, const std::string& cert_pem) {
  Config c = basic(server, cluster_name, user, ca_pem);
  c.users[0].client_cert_data = cert_pem;
  c.users[0].client_key_data = key_pem;
  return c;
}

Config with_token(const std::string& server, const std::string& cluster_name,
                  const std::string& user, const std::string& ca_pem, const std::string& token) {
  Config c = basic(server, cluster_name, user, ca_pem);
  c.users[0].token = token;
  return c;
}

std::string serialize(const Config& config) {
  using nlohmann::json;
  json doc = json::object();
  doc["apiVersion"] = "v1";
  doc["kind"] = "Config";
  doc["preferences"] = json::object();
  doc["current-context"] = config.current_context;
  json clusters = json::array();
  for (const auto& c : config.clusters) {
    json body = json::object();
    if (!c.ca_data.empty()) body["certificate-authority-data"] = base64_encode(c.ca_data);
    if (!c.ca_file.empty()) body["certificate-authority"] = c.ca_file;
    if (c.insecure_skip_tls_verify) body["insecure-skip-tls-verify"] = true;
    body["server"] = c.server;
    clusters.push_back(json{{"cluster", body}, {"name", c.name}});
  }
  doc["clusters"] = clusters;
  json contexts = json::array();
  for (const auto& c : config.contexts) {
    json body = json{{"cluster", c.cluster}, {"user", c.user}};
    if (!c.ns.empty()) body["namespace"] = c.ns;
    contexts.push_back(json{{"context", body}, {"name", c.name}});
  }
  // client-go writes an empty list as null (a nil Go slice), as in cluster-info.
  doc["contexts"] = contexts.empty() ? json(nullptr) : contexts;
  json users = json::array();
  for (const auto& u : config.users) {
    json body = json::object();
    if (!u.client_cert_data.empty())
      body["client-certificate-data"] = base64_encode(u.client_cert_data);
    if (!u.client_key_data.empty()) body["client-key-data"] = base64_encode(u.client_key_data);
    if (!u.client_cert_file.empty()) body["client-certificate"] = u.client_cert_file;
    if (!u.client_key_file.empty()) body["client-key"] = u.client_key_file;
    if (!u.token.empty()) body["token"] = u.token;
    users.push_back(json{{"name", u.name}, {"user", body}});
  }
  doc["users"] = users.empty() ? json(nullptr) : users;
  return yaml::emit(doc);
}

Config parse(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(SourceLocation{file, "", "", e.mark.line + 1, e.mark.column + 1},
                "not valid YAML: " + e.msg, "fix or remove the kubeconfig file", kExitConfig);
  }
  if (!root || !root.IsMap())
    fail(file, "", "not a kubeconfig: expected a mapping with clusters, contexts and users");
  std::string kind = scalar(root, "kind");
  if (!kind.empty() && kind != "Config")
    fail(file, "kind", fmt::format("expected kind Config, found \"{}\"", kind));
  Config c;
  c.current_context = scalar(root, "current-context");
  size_t i = 0;
  for (const auto& item : root["clusters"]) {
    std::string path = fmt::format("clusters[{}].cluster", i++);
    auto body = item["cluster"];
    Cluster cl;
    cl.name = scalar(item, "name");
    if (body) {
      cl.server = scalar(body, "server");
      cl.ca_data = decode_field(body, "certificate-authority-data", file, path);
      cl.ca_file = resolve(scalar(body, "certificate-authority"), file);
      cl.insecure_skip_tls_verify = scalar(body, "insecure-skip-tls-verify") == "true";
    }
    c.clusters.push_back(cl);
  }
  for (const auto& item : root["contexts"]) {
    auto body = item["context"];
    Context ctx;
    ctx.name = scalar(item, "name");
    if (body) {
      ctx.cluster = scalar(body, "cluster");
      ctx.user = scalar(body, "user");
      ctx.ns = scalar(body, "namespace");
    }
    c.contexts.push_back(ctx);
  }
  i = 0;
  for (const auto& item : root["users"]) {
    std::string path = fmt::format("users[{}].user", i++);
    auto body = item["user"];
    User u;
    u.name = scalar(item, "name");
    if (body) {
      u.client_cert_data = decode_field(body, "client-certificate-data", file, path);
      u.client_key_data = decode_field(body, "client-key-data", file, path);
      u.client_cert_file = resolve(scalar(body, "client-certificate"), file);
      u.client_key_file = resolve(scalar(body, "client-key"), file);
      u.token = scalar(body, "token");
    }
    c.users.push_back(u);
  }
  return c;
}

Config load(const std::string& path) {
  auto text = host::read_file(path);
  if (!text) {
    throw Error(SourceLocation{path, "", "", 0, 0}, "the kubeconfig file does not exist",
                "pass --kubeconfig with the path of an existing kubeconfig", kExitConfig);
  }
  return parse(*text, path);
}

Current current(const Config& config, const std::string& file) {
  const Context* ctx = config.find_context(config.current_context);
  if (!ctx)
    fail(file, "current-context",
         fmt::format("the current context \"{}\" is not defined in contexts",
                     config.current_context));
  const Cluster* cl = config.find_cluster(ctx->cluster);
  if (!cl)
    fail(file, "contexts",
         fmt::format("context \"{}\" names cluster \"{}\", which is not defined", ctx->name,
                     ctx->cluster));
  const User* u = config.find_user(ctx->user);
  if (!u)
    fail(file, "contexts",
         fmt::format("context \"{}\" names user \"{}\", which is not defined", ctx->name,
                     ctx->user));
  Current cur{*ctx, *cl, *u, cl->ca_data, u->client_cert_data, u->client_key_data};
  if (cur.ca_pem.empty() && !cl->ca_file.empty())
    cur.ca_pem = read_ref(cl->ca_file, file, "certificate-authority");
  if (cur.cert_pem.empty() && !u->client_cert_file.empty())
    cur.cert_pem = read_ref(u->client_cert_file, file, "client-certificate");
  if (cur.key_pem.empty() && !u->client_key_file.empty())
    cur.key_pem = read_ref(u->client_key_file, file, "client-key");
  return cur;
}

}  // namespace kadm::kubeconfig
