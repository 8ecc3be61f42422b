// kadm's container runtime client: the CRI over gRPC on the runtime's Unix socket, no crictl.
// The gRPC code lives in kadm-cri.so and is loaded on the first connect(); commands that never
// talk to the runtime never load gRPC or protobuf.
//
// Every call has a deadline (cri::ConnectOptions) and every failure is a kadm::Error that names
// the endpoint, the operation and the object, with a hint on what to do.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cri/backend.h"
#include "versions/table.h"

namespace kadm::cri {

// True when kadm-cri.so is installed next to the binary (callers with a fallback, such as
// diagnostics, use this to skip the runtime quietly).
bool module_available();

// Loads kadm-cri.so (gRPC, protobuf and abseil: ~40 ms here) now, once; thread-safe. A command
// that talks to the runtime after some network work of its own calls it on a thread of its own,
// and the first Runtime::connect finds the module loaded. A failed load is reported by connect.
void preload_module();

// Options that negotiate only the CRI versions the kubelet of release `r` speaks (preflight:
// a runtime the kubelet cannot talk to is an error, even if kadm could).
ConnectOptions options_for(const versions::Release& r);

class Runtime {
 public:
  // Connects to the runtime at `endpoint` ("unix:///path" or "/path") and agrees on the first of
  // options.api_versions it serves. Throws kadm::Error naming the endpoint when the socket is
  // missing, nothing answers on it, it is not a CRI server, or it serves none of those versions.
  static std::unique_ptr<Runtime> connect(const std::string& endpoint, ConnectOptions options = {});

  // For tests: a runtime over any backend.
  Runtime(std::string endpoint, std::unique_ptr<Backend> backend);

  const std::string& endpoint() const { return endpoint_; }
  const std::string& api_version() const { return backend_->api_version(); }

  VersionInfo version();
  RuntimeStatus status(bool verbose = false);
  // Throws unless the RuntimeReady condition holds (NetworkReady is not required: no CNI yet
  // before init), as upstream's IsRunning.
  void check_running();
  // The Pod sandbox ("pause") image the runtime is configured with, from its verbose status
  // (containerd: info.config.sandboxImage); "" when the runtime does not say.
  std::string sandbox_image();

  std::vector<Image> list_images();
  bool image_present(const std::string& image);
  // Pulls `image` and returns the runtime's reference to it (image id or digest).
  std::string pull_image(const std::string& image, const AuthConfig* auth = nullptr);
  void remove_image(const std::string& image);

  std::string run_pod_sandbox(const PodSandboxConfig& config, const std::string& runtime_handler = "");
  void stop_pod_sandbox(const std::string& id);
  void remove_pod_sandbox(const std::string& id);
  std::vector<PodSandbox> list_pod_sandboxes(const PodSandboxFilter& filter = {});

  std::string create_container(const std::string& sandbox_id, const ContainerConfig& config,
                               const PodSandboxConfig& sandbox);
  void start_container(const std::string& id);
  void stop_container(const std::string& id, int64_t timeout_seconds);
  void remove_container(const std::string& id);
  std::vector<Container> list_containers(const ContainerFilter& filter = {});
  ContainerStatus container_status(const std::string& id);

 private:
  [[noreturn]] void fail(const std::string& what, const Status& s) const;
  void check(const std::string& what, const Status& s) const {
    if (!s.ok()) fail(what, s);
  }

  std::string endpoint_;
  std::unique_ptr<Backend> backend_;
};

// What a pull, stop or remove failure says, for callers that aggregate (reset removes every Pod
// and reports all failures at the end).
std::string describe(Code code);

}  // namespace kadm::cri
