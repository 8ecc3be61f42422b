#include "cri/runtime.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "cri/endpoint.h"
#include "util/duration.h"
#include "util/error.h"
#include "util/log.h"
#include "util/module.h"

namespace kadm::cri {
namespace {

constexpr const char* kWhereSockets =
    "containerd listens on unix:///var/run/containerd/containerd.sock, CRI-O on unix:///var/run/crio/crio.sock, "
    "cri-dockerd on unix:///var/run/cri-dockerd.sock";

// Loads the module once. Its state is never destroyed: preload_module's thread may still be in
// here while the process exits.
CreateBackendFn load(std::string* error) {
  static std::once_flag once;
  static CreateBackendFn create = nullptr;
  static auto* load_error = new std::string;
  std::call_once(once, [] {
    create = reinterpret_cast<CreateBackendFn>(load_module_symbol(kCriModule, kCreateBackendSymbol, load_error));
  });
  if (!create) *error = *load_error;
  return create;
}

// What a plain connect(2) says about a socket gRPC could not use: refused (a socket file left
// behind by a runtime that stopped) or accepted (something listens, but it does not speak gRPC).
int raw_connect_errno(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = rc == 0 ? 0 : errno;
  close(fd);
  return err;
}

std::string list_versions(const std::vector<std::string>& versions) {
  std::string out;
  for (const auto& v : versions) out += (out.empty() ? "runtime." : ", runtime.") + v;
  return out;
}

std::string seconds(std::chrono::milliseconds ms) {
  return format_duration(std::chrono::duration_cast<Duration>(ms));
}

[[noreturn]] void connect_failed(const std::string& endpoint, const ConnectOptions& o, const Status& s) {
  switch (s.code) {
    case Code::Unavailable: {
      int err = raw_connect_errno(o.socket_path);
      if (err == 0)
        throw Error(fmt::format("{} accepts connections but does not answer as a gRPC server ({})", endpoint,
                                s.message),
                    fmt::format("is it a container runtime's socket? {}", kWhereSockets));
      throw Error(fmt::format("no container runtime answers at {}: {}", endpoint, std::strerror(err)),
                  "the socket file is there but its runtime is not running: start it (for example systemctl "
                  "start containerd) and look at its log");
    }
    case Code::Timeout:
      throw Error(fmt::format("no CRI answer from {} within {}", endpoint, seconds(o.connect_timeout)),
                  fmt::format("the runtime is hung or overloaded, or the socket is not a container runtime's ({})",
                              kWhereSockets),
                  kExitTimeout);
    case Code::Unimplemented:
      throw Error(fmt::format("the container runtime at {} does not speak a CRI version kadm can use here ({}): {}",
                              endpoint, list_versions(o.api_versions), s.message),
                  "if it is containerd, its CRI plugin may be disabled (\"cri\" in disabled_plugins of "
                  "/etc/containerd/config.toml: remove it and restart containerd); runtimes older than "
                  "containerd 1.6 or CRI-O 1.23 serve runtime.v1alpha2 only, which kubelets since v1.26 cannot use");
    default:
      throw Error(fmt::format("cannot talk to the container runtime at {}: {}", endpoint, s.message));
  }
}

}  // namespace

bool module_available() { return !find_module(kCriModule).empty(); }

void preload_module() {
  std::string ignored;
  load(&ignored);
}

ConnectOptions options_for(const versions::Release& r) {
  ConnectOptions o;
  o.api_versions = r.cri_api_versions;
  return o;
}

std::string describe(Code code) {
  switch (code) {
    case Code::Ok: return "ok";
    case Code::Unavailable: return "the runtime is not reachable";
    case Code::Timeout: return "no answer before the deadline";
    case Code::Unimplemented: return "not implemented by the runtime";
    case Code::NotFound: return "not found";
    case Code::Other: return "failed";
  }
  return "failed";
}

std::unique_ptr<Runtime> Runtime::connect(const std::string& endpoint, ConnectOptions options) {
  options.socket_path = socket_path(endpoint);
  const std::string& path = options.socket_path;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT)
      throw Error(fmt::format("no container runtime at {}: {} does not exist", endpoint, path),
                  fmt::format("start the container runtime, or name its socket with --cri-socket or "
                              "nodeRegistration.criSocket ({})",
                              kWhereSockets));
    throw Error(fmt::format("cannot use the CRI socket {}: {}", path, std::strerror(err)));
  }
  if (!S_ISSOCK(st.st_mode))
    throw Error(fmt::format("the CRI endpoint {} is not a Unix socket", endpoint),
                fmt::format("name the container runtime's socket with --cri-socket or nodeRegistration.criSocket ({})",
                            kWhereSockets),
                kExitConfig);
  std::string error;
  CreateBackendFn create = load(&error);
  if (!create) throw Error("cannot load kadm's CRI client: " + error, "reinstall kadm: kadm-cri.so ships with the binary");
  Status s;
  Backend* backend = create(&options, &s);
  if (!backend) connect_failed(endpoint, options, s);
  log::v(2, "talking to the container runtime at {} over CRI runtime.{}", endpoint, backend->api_version());
  return std::make_unique<Runtime>(endpoint, std::unique_ptr<Backend>(backend));
}

Runtime::Runtime(std::string endpoint, std::unique_ptr<Backend> backend)
    : endpoint_(std::move(endpoint)), backend_(std::move(backend)) {}

void Runtime::fail(const std::string& what, const Status& s) const {
  std::string message =
      fmt::format("container runtime at {}: {}: {}", endpoint_, what, s.message.empty() ? describe(s.code) : s.message);
  switch (s.code) {
    case Code::Unavailable:
      throw Error(message, "the runtime stopped answering on its socket: is it still running? Look at its log");
    case Code::Timeout:
      throw Error(message, "the runtime did not answer before the deadline: it may be hung or overloaded",
                  kExitTimeout);
    default: throw Error(message);
  }
}

VersionInfo Runtime::version() {
  VersionInfo v;
  check("version", backend_->version(&v));
  return v;
}

RuntimeStatus Runtime::status(bool verbose) {
  RuntimeStatus st;
  check("status", backend_->status(verbose, &st));
  return st;
}

void Runtime::check_running() {
  auto st = status(false);
  for (const auto& c : st.conditions) {
    if (c.type == "RuntimeReady" && !c.status)
      throw Error(fmt::format("container runtime at {} is not ready: condition RuntimeReady is false (reason: {}, "
                              "message: {})",
                              endpoint_, c.reason, c.message),
                  "look at the container runtime's log");
  }
}

std::string Runtime::sandbox_image() {
  auto st = status(true);
  auto it = st.info.find("config");
  if (it == st.info.end()) return "";
  auto config = nlohmann::json::parse(it->second, nullptr, false);
  if (config.is_discarded() || !config.is_object()) return "";
  auto image = config.find("sandboxImage");
  return image != config.end() && image->is_string() ? image->get<std::string>() : "";
}

std::vector<Image> Runtime::list_images() {
  std::vector<Image> out;
  check("list images", backend_->list_images(&out));
  return out;
}

bool Runtime::image_present(const std::string& image) {
  std::optional<Image> out;
  check(fmt::format("image status of \"{}\"", image), backend_->image_status(image, &out));
  return out.has_value();
}

std::string Runtime::pull_image(const std::string& image, const AuthConfig* auth) {
  std::string ref;
  check(fmt::format("failed to pull image \"{}\"", image), backend_->pull_image(image, auth, &ref));
  return ref;
}

void Runtime::remove_image(const std::string& image) {
  check(fmt::format("remove image \"{}\"", image), backend_->remove_image(image));
}

std::string Runtime::run_pod_sandbox(const PodSandboxConfig& config, const std::string& runtime_handler) {
  std::string id;
  check(fmt::format("run Pod sandbox {}/{}", config.metadata.ns, config.metadata.name),
        backend_->run_pod_sandbox(config, runtime_handler, &id));
  return id;
}

void Runtime::stop_pod_sandbox(const std::string& id) {
  check(fmt::format("stop Pod sandbox {}", id), backend_->stop_pod_sandbox(id));
}

void Runtime::remove_pod_sandbox(const std::string& id) {
  check(fmt::format("remove Pod sandbox {}", id), backend_->remove_pod_sandbox(id));
}

std::vector<PodSandbox> Runtime::list_pod_sandboxes(const PodSandboxFilter& filter) {
  std::vector<PodSandbox> out;
  check("list Pod sandboxes", backend_->list_pod_sandboxes(filter, &out));
  return out;
}

std::string Runtime::create_container(const std::string& sandbox_id, const ContainerConfig& config,
                                      const PodSandboxConfig& sandbox) {
  std::string id;
  check(fmt::format("create container {} in Pod sandbox {}", config.name, sandbox_id),
        backend_->create_container(sandbox_id, config, sandbox, &id));
  return id;
}

void Runtime::start_container(const std::string& id) {
  check(fmt::format("start container {}", id), backend_->start_container(id));
}

void Runtime::stop_container(const std::string& id, int64_t timeout_seconds) {
  check(fmt::format("stop container {}", id), backend_->stop_container(id, timeout_seconds));
}

void Runtime::remove_container(const std::string& id) {
  check(fmt::format("remove container {}", id), backend_->remove_container(id));
}

std::vector<Container> Runtime::list_containers(const ContainerFilter& filter) {
  std::vector<Container> out;
  check("list containers", backend_->list_containers(filter, &out));
  return out;
}

ContainerStatus Runtime::container_status(const std::string& id) {
  ContainerStatus out;
  check(fmt::format("status of container {}", id), backend_->container_status(id, &out));
  return out;
}

}  // namespace kadm::cri
