// What preflight (CRI, ImagePull) and reset (removing the node's Pods) need from the container
// runtime. kadm's own CRI client (src/cri, gRPC) implements it; a crictl-backed implementation,
// as upstream kubeadm used up to v1.30, remains for installs without kadm-cri.so and for tests
// that script the commands.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kadm::host {
class Machine;
}
namespace kadm::versions {
struct Release;
}

namespace kadm::preflight {

class ContainerRuntime {
 public:
  virtual ~ContainerRuntime() = default;
  // "" when the runtime answers its status call, else why not.
  virtual std::string check_running() = 0;
  virtual bool image_exists(const std::string& image) = 0;
  virtual std::string pull_image(const std::string& image) = 0;  // "" or the error
  // The runtime's configured sandbox (pause) image, when it tells.
  virtual std::optional<std::string> sandbox_image() = 0;
  // Every Pod sandbox id (upstream ListKubeContainers lists all sandboxes of the CRI).
  virtual std::vector<std::string> list_pod_sandboxes(std::string* error) = 0;
  // Stops then removes one sandbox with its containers; "" or the error.
  virtual std::string remove_pod_sandbox(const std::string& id) = 0;
  virtual std::string endpoint() const = 0;
};

// A crictl-backed runtime for `socket` ("unix:///run/containerd/containerd.sock" or a plain
// path). Commands go through `m`, so tests script them.
std::unique_ptr<ContainerRuntime> crictl_runtime(host::Machine& m, const std::string& socket);

// The runtime at `endpoint` over the CRI client, speaking only the CRI versions the kubelet of
// `release` speaks (any version kadm knows when null). Connects on first use.
std::unique_ptr<ContainerRuntime> cri_runtime(const std::string& endpoint, const versions::Release* release);

// cri_runtime when kadm-cri.so is installed, else crictl_runtime.
std::unique_ptr<ContainerRuntime> container_runtime(host::Machine& m, const std::string& endpoint,
                                                    const versions::Release* release);

}  // namespace kadm::preflight
