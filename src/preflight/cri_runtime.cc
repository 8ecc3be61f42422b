// The container runtime of preflight and reset over kadm's own CRI client (src/cri): gRPC on
// the runtime's socket, no crictl. The connection is made on first use, so a runtime that is
// down is reported by the check that needs it (CRI), not by constructing this object.
#include <fmt/format.h>

#include "cri/cleanup.h"
#include "cri/runtime.h"
#include "preflight/runtime.h"
#include "util/error.h"

namespace kadm::preflight {
namespace {

class CriRuntime : public ContainerRuntime {
 public:
  CriRuntime(std::string endpoint, cri::ConnectOptions options)
      : endpoint_(std::move(endpoint)), options_(std::move(options)) {}

  std::string check_running() override {
    try {
      runtime().check_running();
      return "";
    } catch (const Error& e) {
      return fmt::format("container runtime is not running: {}", e.what());
    }
  }
  bool image_exists(const std::string& image) override {
    try {
      return runtime().image_present(image);
    } catch (const Error&) {
      return false;
    }
  }
  std::string pull_image(const std::string& image) override {
    // Upstream retries a failed pull (PullImageRetry = 5).
    std::string last;
    for (int i = 0; i < 5; ++i) {
      try {
        runtime().pull_image(image);
        return "";
      } catch (const Error& e) {
        last = e.what();
      }
    }
    return last;
  }
  std::optional<std::string> sandbox_image() override {
    try {
      std::string image = runtime().sandbox_image();
      if (image.empty()) return std::nullopt;
      return image;
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  std::vector<std::string> list_pod_sandboxes(std::string* error) override {
    std::vector<std::string> ids;
    try {
      for (const auto& s : runtime().list_pod_sandboxes()) ids.push_back(s.id);
    } catch (const Error& e) {
      if (error) *error = fmt::format("failed to list running pods: {}", e.what());
    }
    return ids;
  }
  std::string remove_pod_sandbox(const std::string& id) override {
    try {
      return cri::remove_pod_sandbox(runtime(), id);
    } catch (const Error& e) {  // no runtime to ask
      return e.what();
    }
  }
  std::string endpoint() const override { return endpoint_; }

 private:
  cri::Runtime& runtime() {
    if (!runtime_) runtime_ = cri::Runtime::connect(endpoint_, options_);
    return *runtime_;
  }

  std::string endpoint_;
  cri::ConnectOptions options_;
  std::unique_ptr<cri::Runtime> runtime_;
};

}  // namespace

std::unique_ptr<ContainerRuntime> cri_runtime(const std::string& endpoint, const versions::Release* release) {
  cri::ConnectOptions options = release ? cri::options_for(*release) : cri::ConnectOptions{};
  return std::make_unique<CriRuntime>(endpoint, std::move(options));
}

std::unique_ptr<ContainerRuntime> container_runtime(host::Machine& m, const std::string& endpoint,
                                                    const versions::Release* release) {
  if (cri::module_available()) return cri_runtime(endpoint, release);
  return crictl_runtime(m, endpoint);
}

}  // namespace kadm::preflight
