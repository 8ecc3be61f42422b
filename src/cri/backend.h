// The CRI wire calls kadm makes, as plain C++ types. The gRPC implementation lives in kadm-cri.so
// (src/modules/cri/), loaded with dlopen by cri/runtime.cc, so that commands which never talk to
// the container runtime never load gRPC and protobuf. Nothing here includes a gRPC header: this
// file is the whole contract between kadm and the module, and both are built from one tree.
//
// Field meanings follow the CRI API (k8s.io/cri-api runtime/v1 api.proto, same in v1alpha2).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kadm::cri {

// The CRI API versions kadm speaks, as the gRPC package names them (runtime.<version>).
inline constexpr const char* kApiV1 = "v1";
inline constexpr const char* kApiV1alpha2 = "v1alpha2";

// Outcome of one call, with gRPC's status code folded into what kadm acts on.
enum class Code {
  Ok,
  Unavailable,    // nothing listens, connection refused or broken (runtime stopped)
  Timeout,        // the deadline passed without an answer
  Unimplemented,  // the server does not serve this service or method (other API version, no CRI)
  NotFound,       // the object (container, sandbox, image) does not exist
  Other,
};

struct Status {
  Code code = Code::Ok;
  std::string message;  // the runtime's own words
  bool ok() const { return code == Code::Ok; }
};

using Labels = std::map<std::string, std::string>;

struct VersionInfo {
  std::string version;              // CRI version the runtime answered with, e.g. "0.1.0"
  std::string runtime_name;         // "containerd", "cri-o", "docker"
  std::string runtime_version;      // "1.6.20~ds1"
  std::string runtime_api_version;  // "v1", "v1alpha2"
};

struct RuntimeCondition {
  std::string type;  // "RuntimeReady", "NetworkReady"
  bool status = false;
  std::string reason;
  std::string message;
};

struct RuntimeStatus {
  std::vector<RuntimeCondition> conditions;
  std::map<std::string, std::string> info;  // only when asked verbose; values are JSON
};

struct Image {
  std::string id;
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  uint64_t size = 0;
  bool pinned = false;  // v1 only
};

struct AuthConfig {
  std::string username;
  std::string password;
  std::string auth;
  std::string server_address;
  std::string identity_token;
  std::string registry_token;
};

enum class SandboxState { Ready, NotReady };

// Namespace modes of the CRI (POD = shared by the Pod's containers, NODE = the host's).
enum class NamespaceMode { Pod = 0, Container = 1, Node = 2 };

struct PodSandboxMetadata {
  std::string name;
  std::string uid;
  std::string ns;  // the Pod's namespace
  uint32_t attempt = 0;
};

struct PodSandboxConfig {
  PodSandboxMetadata metadata;
  std::string hostname;
  std::string log_directory;
  Labels labels;
  Labels annotations;
  std::string cgroup_parent;
  NamespaceMode network = NamespaceMode::Pod;
  NamespaceMode pid = NamespaceMode::Pod;
  NamespaceMode ipc = NamespaceMode::Pod;
  bool privileged = false;
};

struct PodSandbox {
  std::string id;
  PodSandboxMetadata metadata;
  SandboxState state = SandboxState::NotReady;
  int64_t created_at = 0;  // nanoseconds since the epoch
  Labels labels;
  Labels annotations;
  std::string runtime_handler;
};

struct PodSandboxFilter {
  std::string id;
  std::optional<SandboxState> state;
  Labels label_selector;
};

enum class ContainerState { Created, Running, Exited, Unknown };

struct ContainerConfig {
  std::string name;
  uint32_t attempt = 0;
  std::string image;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> envs;
  Labels labels;
  Labels annotations;
  std::string log_path;  // relative to the sandbox's log_directory
};

struct Container {
  std::string id;
  std::string pod_sandbox_id;
  std::string name;
  uint32_t attempt = 0;
  std::string image;
  std::string image_ref;
  ContainerState state = ContainerState::Unknown;
  int64_t created_at = 0;
  Labels labels;
  Labels annotations;
};

struct ContainerStatus {
  std::string id;
  std::string name;
  uint32_t attempt = 0;
  ContainerState state = ContainerState::Unknown;
  int64_t created_at = 0;
  int64_t started_at = 0;
  int64_t finished_at = 0;
  int32_t exit_code = 0;
  std::string image;
  std::string image_ref;
  std::string reason;
  std::string message;
  Labels labels;
  Labels annotations;
  std::string log_path;
};

struct ContainerFilter {
  std::string id;
  std::optional<ContainerState> state;
  std::string pod_sandbox_id;
  Labels label_selector;
};

// How to reach the runtime. Every call carries a deadline: a runtime that hangs (stopped,
// overloaded, or a socket that is not a CRI server) costs at most the timeout, never a hang.
struct ConnectOptions {
  std::string socket_path;  // filesystem path of the Unix socket
  // API versions to try, in order; the first the runtime serves is used.
  std::vector<std::string> api_versions = {kApiV1, kApiV1alpha2};
  std::chrono::milliseconds connect_timeout{10000};  // reaching the socket and the Version call
  std::chrono::milliseconds call_timeout{120000};    // every other call (the kubelet's default)
  std::chrono::milliseconds pull_timeout{600000};    // one image pull
};

// One connection to a runtime, on the API version agreed when it was made. Thread-safe: calls
// may be made from several threads at once (parallel pulls).
class Backend {
 public:
  virtual ~Backend() = default;
  virtual const std::string& api_version() const = 0;

  virtual Status version(VersionInfo* out) = 0;
  virtual Status status(bool verbose, RuntimeStatus* out) = 0;

  virtual Status list_images(std::vector<Image>* out) = 0;
  // `out` stays empty when the runtime does not have the image.
  virtual Status image_status(const std::string& image, std::optional<Image>* out) = 0;
  virtual Status pull_image(const std::string& image, const AuthConfig* auth, std::string* image_ref) = 0;
  virtual Status remove_image(const std::string& image) = 0;

  virtual Status run_pod_sandbox(const PodSandboxConfig& config, const std::string& runtime_handler,
                                 std::string* id) = 0;
  virtual Status stop_pod_sandbox(const std::string& id) = 0;
  virtual Status remove_pod_sandbox(const std::string& id) = 0;
  virtual Status list_pod_sandboxes(const PodSandboxFilter& filter, std::vector<PodSandbox>* out) = 0;

  virtual Status create_container(const std::string& sandbox_id, const ContainerConfig& config,
                                  const PodSandboxConfig& sandbox, std::string* id) = 0;
  virtual Status start_container(const std::string& id) = 0;
  virtual Status stop_container(const std::string& id, int64_t timeout_seconds) = 0;
  virtual Status remove_container(const std::string& id) = 0;
  virtual Status list_containers(const ContainerFilter& filter, std::vector<Container>* out) = 0;
  virtual Status container_status(const std::string& id, ContainerStatus* out) = 0;
};

// The module's entry point. On failure returns nullptr and fills `status`: Unavailable or
// Timeout when the socket does not answer, Unimplemented when it answers but serves none of
// `options.api_versions` (the message then lists what was tried).
using CreateBackendFn = Backend* (*)(const ConnectOptions* options, Status* status);
inline constexpr const char* kCreateBackendSymbol = "kadm_cri_create";

}  // namespace kadm::cri
