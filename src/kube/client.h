// A Kubernetes API client: REST over HTTPS with the identity of a kubeconfig, CA verification
// always on, JSON bodies. A dry-run implementation of the same interface prints every write and
// answers reads from fakes, so `--dry-run` runs the real phase code.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "net/transport.h"

namespace kadm::kube {

using json = nlohmann::json;

// Outcome of one call: an HTTP status with the API's Status reason, or a transport failure.
struct Status {
  int code = 0;  // HTTP status; 0 = no response (see transport)
  std::string reason;   // metav1.Status reason: NotFound, AlreadyExists, Conflict, Forbidden …
  std::string message;  // metav1.Status message
  net::TransportError transport = net::TransportError::None;
  std::string transport_text;
  std::string server;  // "https://10.0.0.11:6443" when there was no response, for messages

  bool ok() const { return code >= 200 && code < 300; }
  bool not_found() const { return code == 404; }
  bool already_exists() const { return code == 409 && reason == "AlreadyExists"; }
  bool conflict() const { return code == 409 && reason != "AlreadyExists"; }
  bool forbidden() const { return code == 403; }
  bool invalid() const { return code == 422; }
  // One line for messages: "409 AlreadyExists: configmaps \"x\" already exists", or without a
  // response "https://10.0.0.11:6443: connection refused or host unreachable (Connection)".
  std::string describe() const;
};

struct Result {
  Status status;
  json object;  // the response body (the object, a list, or a Status)
};

// Which object: group/version, plural resource name, namespace (empty for cluster scope), name.
struct Ref {
  std::string api_version;  // "v1", "apps/v1", "rbac.authorization.k8s.io/v1"
  std::string resource;     // "configmaps"
  std::string ns;
  std::string name;

  std::string path() const;             // /api/v1/namespaces/kube-system/configmaps/x
  std::string collection_path() const;  // …/configmaps
  std::string group_label() const;      // "core/v1" as kubeadm's dry-run prints it
};

// The Ref of an object from its apiVersion, kind and metadata.
Ref ref_of(const json& object);

enum class PatchType { Strategic, Merge, JSON };

class Client {
 public:
  virtual ~Client() = default;

  virtual Result get(const Ref& ref) = 0;
  // label_selector / field_selector as the API takes them ("k8s-app=kube-dns").
  virtual Result list(const Ref& collection, const std::string& label_selector = {},
                      const std::string& field_selector = {}) = 0;
  virtual Result create(const json& object) = 0;
  virtual Result update(const json& object) = 0;
  virtual Result patch(const Ref& ref, const json& patch, PatchType type) = 0;
  virtual Result remove(const Ref& ref) = 0;
  // A non-resource GET (/healthz, /livez, /version).
  virtual Result get_path(const std::string& path) = 0;

  virtual bool dry_run() const { return false; }
  // "https://10.0.0.11:6443", for messages.
  virtual std::string server() const = 0;
};

struct ClientOptions {
  net::Timeouts timeouts{std::chrono::milliseconds(10000), std::chrono::milliseconds(30000)};
};

// A client with the identity and server of the kubeconfig's current context.
std::unique_ptr<Client> from_kubeconfig(const std::string& path, const ClientOptions& options = {});

// A client for an explicit server and TLS identity (bootstrap-token identities, discovery).
std::unique_ptr<Client> make_client(const std::string& server, const net::TlsConfig& tls,
                                    const std::string& bearer_token = {},
                                    const ClientOptions& options = {});

// Prints every write ("[dryrun] Would perform action CREATE on resource …" with the object,
// Secret values redacted) and answers it as the API would; GETs are answered by `reads` when it
// returns an object, else NotFound.
using DryRunReads = std::function<std::optional<json>(const Ref&)>;
std::unique_ptr<Client> make_dry_run_client(DryRunReads reads = {}, std::FILE* out = stdout);

}  // namespace kadm::kube
