#include "kube/client.h"

#include <fmt/format.h>

#include <map>

#include "kubeconfig/kubeconfig.h"
#include "util/error.h"
#include "util/log.h"
#include "util/net.h"
#include "util/yaml_emit.h"

namespace kadm::kube {

std::string Status::describe() const {
  if (code == 0) {
    std::string out = server.empty() ? "" : server + ": ";
    out += net::describe(transport);
    return transport_text.empty() ? out : out + " (" + transport_text + ")";
  }
  std::string out = std::to_string(code);
  if (!reason.empty()) out += " " + reason;
  if (!message.empty()) out += ": " + message;
  return out;
}

std::string Ref::collection_path() const {
  std::string base = api_version.find('/') == std::string::npos ? "/api/" + api_version : "/apis/" + api_version;
  if (!ns.empty()) base += "/namespaces/" + ns;
  return base + "/" + resource;
}

std::string Ref::path() const { return name.empty() ? collection_path() : collection_path() + "/" + name; }

std::string Ref::group_label() const {
  return api_version.find('/') == std::string::npos ? "core/" + api_version : api_version;
}

namespace {

// Kinds kadm writes or reads, and their plural resource names.
const std::map<std::string, std::string>& plurals() {
  static const std::map<std::string, std::string> m = {
      {"ConfigMap", "configmaps"},
      {"Secret", "secrets"},
      {"ServiceAccount", "serviceaccounts"},
      {"Service", "services"},
      {"Node", "nodes"},
      {"Pod", "pods"},
      {"Namespace", "namespaces"},
      {"Role", "roles"},
      {"RoleBinding", "rolebindings"},
      {"ClusterRole", "clusterroles"},
      {"ClusterRoleBinding", "clusterrolebindings"},
      {"Deployment", "deployments"},
      {"DaemonSet", "daemonsets"},
      {"Job", "jobs"},
      {"CertificateSigningRequest", "certificatesigningrequests"},
  };
  return m;
}

const std::map<std::string, bool>& cluster_scoped() {
  static const std::map<std::string, bool> m = {{"Node", true},
                                                {"Namespace", true},
                                                {"ClusterRole", true},
                                                {"ClusterRoleBinding", true},
                                                {"CertificateSigningRequest", true}};
  return m;
}

Status status_from(const net::Response& r, const json& body) {
  Status s;
  s.code = r.status;
  s.transport = r.error;
  s.transport_text = r.error_text;
  if (body.is_object() && body.value("kind", "") == "Status") {
    s.reason = body.value("reason", "");
    s.message = body.value("message", "");
  } else if (!s.ok() && s.code != 0) {
    s.message = r.body.substr(0, 200);
  }
  return s;
}

class RestClient : public Client {
 public:
  RestClient(std::string host, int port, net::TlsConfig tls, std::string token, ClientOptions opts)
      : host_(std::move(host)), port_(port), tls_(std::move(tls)), token_(std::move(token)), opts_(opts) {}

  Result get(const Ref& ref) override { return call("GET", ref.path(), nullptr, ""); }
  Result list(const Ref& ref, const std::string& labels, const std::string& fields) override {
    std::string q;
    auto add = [&](const char* k, const std::string& v) {
      if (v.empty()) return;
      q += (q.empty() ? "?" : "&") + std::string(k) + "=" + url_escape(v);
    };
    add("labelSelector", labels);
    add("fieldSelector", fields);
    return call("GET", ref.collection_path() + q, nullptr, "");
  }
  Result create(const json& obj) override {
    Ref r = ref_of(obj);
    r.name.clear();
    return call("POST", r.collection_path(), &obj, "application/json");
  }
  Result update(const json& obj) override { return call("PUT", ref_of(obj).path(), &obj, "application/json"); }
  Result patch(const Ref& ref, const json& p, PatchType type) override {
    const char* ct = type == PatchType::Strategic ? "application/strategic-merge-patch+json"
                     : type == PatchType::Merge   ? "application/merge-patch+json"
                                                  : "application/json-patch+json";
    return call("PATCH", ref.path(), &p, ct);
  }
  Result remove(const Ref& ref) override { return call("DELETE", ref.path(), nullptr, ""); }
  Result get_path(const std::string& path) override { return call("GET", path, nullptr, ""); }
  std::string server() const override { return "https://" + net::join_host_port(host_, port_); }

 private:
  static std::string url_escape(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
      else out += fmt::format("%{:02X}", c);
    }
    return out;
  }

  // One transport per concurrent caller: cpp-httplib clients are not shared across threads.
  std::unique_ptr<net::Transport> acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!pool_.empty()) {
        auto t = std::move(pool_.back());
        pool_.pop_back();
        return t;
      }
    }
    return net::connect(host_, port_, tls_, opts_.timeouts);
  }
  void release(std::unique_ptr<net::Transport> t) {
    std::lock_guard<std::mutex> lock(mu_);
    pool_.push_back(std::move(t));
  }

  Result call(const std::string& method, const std::string& path, const json* body, const char* content_type) {
    net::Request req;
    req.method = method;
    req.path = path;
    if (body) req.body = body->dump();
    req.content_type = content_type;
    req.headers.push_back({"Accept", "application/json"});
    req.headers.push_back({"User-Agent", "kadm/" KADM_VERSION});
    if (!token_.empty()) req.headers.push_back({"Authorization", "Bearer " + token_});
    auto t = acquire();
    auto res = t->send(req);
    log::v(7, "{} {}{} -> {}", method, server(), path, res.error == net::TransportError::None ? std::to_string(res.status) : res.error_text);
    if (res.error == net::TransportError::None) release(std::move(t));
    Result out;
    if (!res.body.empty()) {
      out.object = json::parse(res.body, nullptr, false);
      if (out.object.is_discarded()) out.object = res.body;  // /healthz answers "ok"
    }
    out.status = status_from(res, out.object);
    if (out.status.code == 0) out.status.server = server();
    return out;
  }

  std::string host_;
  int port_;
  net::TlsConfig tls_;
  std::string token_;
  ClientOptions opts_;
  std::mutex mu_;
  std::vector<std::unique_ptr<net::Transport>> pool_;
};

// kubeadm prints attached objects indented with a tab.
std::string indent(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    out += "\t" + text.substr(start, nl == std::string::npos ? std::string::npos : nl - start + 1);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// Secret values never reach output, even in a dry run.
json redacted(json obj) {
  if (obj.is_object() && obj.value("kind", "") == "Secret") {
    for (const char* field : {"data", "stringData"})
      if (obj.contains(field) && obj[field].is_object())
        for (auto& [k, v] : obj[field].items()) v = "<redacted>";
  }
  return obj;
}

class DryRunClient : public Client {
 public:
  DryRunClient(DryRunReads reads, std::FILE* out) : reads_(std::move(reads)), out_(out) {}

  Result get(const Ref& ref) override {
    print("GET", ref);
    Result r;
    if (reads_) {
      if (auto obj = reads_(ref)) {
        r.status.code = 200;
        r.object = *obj;
        return r;
      }
    }
    r.status.code = 404;
    r.status.reason = "NotFound";
    r.status.message = fmt::format("{} \"{}\" not found", ref.resource, ref.name);
    return r;
  }
  Result list(const Ref& ref, const std::string&, const std::string&) override {
    print("LIST", ref);
    Result r;
    r.status.code = 200;
    r.object = json{{"items", json::array()}};
    return r;
  }
  Result create(const json& obj) override { return write("CREATE", obj, 201); }
  Result update(const json& obj) override { return write("UPDATE", obj, 200); }
  Result patch(const Ref& ref, const json& p, PatchType) override {
    print("PATCH", ref);
    std::lock_guard<std::mutex> lock(mu_);
    fmt::print(out_, "[dryrun] Attached patch:\n{}", indent(p.dump() + "\n"));
    Result r;
    r.status.code = 200;
    return r;
  }
  Result remove(const Ref& ref) override {
    print("DELETE", ref);
    Result r;
    r.status.code = 200;
    return r;
  }
  Result get_path(const std::string& path) override {
    std::lock_guard<std::mutex> lock(mu_);
    fmt::print(out_, "[dryrun] Would perform action GET on path \"{}\"\n", path);
    Result r;
    r.status.code = 200;
    r.object = "ok";
    return r;
  }
  bool dry_run() const override { return true; }
  std::string server() const override { return "https://dry-run"; }

 private:
  void print(const char* verb, const Ref& ref) {
    std::lock_guard<std::mutex> lock(mu_);
    fmt::print(out_, "[dryrun] Would perform action {} on resource \"{}\" in API group \"{}\"\n", verb,
               ref.resource, ref.group_label());
    if (!ref.name.empty()) fmt::print(out_, "[dryrun] Resource name: \"{}\"\n", ref.name);
  }
  Result write(const char* verb, const json& obj, int code) {
    Ref ref = ref_of(obj);
    print(verb, ref);
    {
      std::lock_guard<std::mutex> lock(mu_);
      fmt::print(out_, "[dryrun] Attached object:\n{}", indent(yaml::emit(redacted(obj))));
    }
    Result r;
    r.status.code = code;
    r.object = obj;
    return r;
  }

  DryRunReads reads_;
  std::FILE* out_;
  std::mutex mu_;
};

}  // namespace

Ref ref_of(const json& object) {
  Ref r;
  r.api_version = object.value("apiVersion", "v1");
  std::string kind = object.value("kind", "");
  auto it = plurals().find(kind);
  if (it == plurals().end()) throw Error(fmt::format("internal: no resource name known for kind {}", kind));
  r.resource = it->second;
  if (object.contains("metadata")) {
    const auto& md = object["metadata"];
    r.name = md.value("name", "");
    if (!cluster_scoped().count(kind)) r.ns = md.value("namespace", "");
  }
  return r;
}

std::unique_ptr<Client> make_client(const std::string& server, const net::TlsConfig& tls,
                                    const std::string& bearer_token, const ClientOptions& options) {
  std::string rest = server;
  if (rest.rfind("https://", 0) != 0)
    throw Error(fmt::format("API server URL \"{}\" is not https://", server), "kadm only talks TLS to API servers");
  rest = rest.substr(8);
  if (auto slash = rest.find('/'); slash != std::string::npos) rest = rest.substr(0, slash);
  std::string host;
  int port = 443;
  if (!net::split_host_port(rest, &host, &port)) {
    host = rest;
    if (!host.empty() && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  }
  return std::make_unique<RestClient>(host, port, tls, bearer_token, options);
}

std::unique_ptr<Client> from_kubeconfig(const std::string& path, const ClientOptions& options) {
  auto cfg = kubeconfig::load(path);
  auto cur = kubeconfig::current(cfg, path);
  net::TlsConfig tls;
  tls.ca_pem = cur.ca_pem;
  tls.client_cert_pem = cur.cert_pem;
  tls.client_key_pem = cur.key_pem;
  tls.insecure_skip_verify = cur.cluster.insecure_skip_tls_verify;
  return make_client(cur.cluster.server, tls, cur.user.token, options);
}

std::unique_ptr<Client> make_dry_run_client(DryRunReads reads, std::FILE* out) {
  return std::make_unique<DryRunClient>(std::move(reads), out);
}

}  // namespace kadm::kube
