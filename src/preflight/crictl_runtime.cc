// crictl as upstream kubeadm used it up to v1.30 (util/runtime/runtime.go): `crictl -r <socket>
// info|pods -q|stopp|rmp|inspecti|pull`, each bounded by crictl's own --timeout.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "host/machine.h"
#include "preflight/runtime.h"

namespace kadm::preflight {
namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

class Crictl : public ContainerRuntime {
 public:
  Crictl(host::Machine& m, std::string socket) : m_(m), socket_(std::move(socket)) {
    if (socket_.find("://") == std::string::npos) socket_ = "unix://" + socket_;
  }

  std::string check_running() override {
    auto r = crictl({"info"});
    if (r.status == 0) return "";
    return fmt::format("container runtime is not running: output: {}, error: {}", trimmed(r.output),
                       r.error.empty() ? "exit status " + std::to_string(r.status) : r.error);
  }
  bool image_exists(const std::string& image) override { return crictl({"inspecti", image}).status == 0; }
  std::string pull_image(const std::string& image) override {
    // Upstream retries a failed pull (PullImageRetry = 5).
    std::string last;
    for (int i = 0; i < 5; ++i) {
      auto r = crictl({"pull", image});
      if (r.status == 0) return "";
      last = fmt::format("output: {}, error: {}", trimmed(r.output), r.error);
    }
    return last;
  }
  std::optional<std::string> sandbox_image() override {
    auto r = crictl({"info", "-o", "json"});
    if (r.status != 0) return std::nullopt;
    auto j = nlohmann::json::parse(r.output, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    auto p = nlohmann::json::json_pointer("/config/sandboxImage");
    if (!j.contains(p) || !j[p].is_string()) return std::nullopt;
    return j[p].get<std::string>();
  }
  std::vector<std::string> list_pod_sandboxes(std::string* error) override {
    std::vector<std::string> out;
    auto r = crictl({"pods", "-q"});
    if (r.status != 0) {
      if (error) *error = fmt::format("failed to list running pods: output: {}, error: {}", trimmed(r.output), r.error);
      return out;
    }
    size_t start = 0;
    while (start < r.output.size()) {
      size_t end = r.output.find('\n', start);
      if (end == std::string::npos) end = r.output.size();
      std::string id = trimmed(r.output.substr(start, end - start));
      if (!id.empty()) out.push_back(id);
      start = end + 1;
    }
    return out;
  }
  std::string remove_pod_sandbox(const std::string& id) override {
    // Upstream tries each step a few times: sandboxes that are still stopping refuse removal.
    std::string last;
    for (int i = 0; i < 5; ++i) {
      auto stop = crictl({"stopp", id});
      if (stop.status != 0) {
        last = fmt::format("failed to stop running pod {}: output: {}, error: {}", id, trimmed(stop.output), stop.error);
        continue;
      }
      auto rm = crictl({"rmp", id});
      if (rm.status == 0) return "";
      last = fmt::format("failed to remove running container {}: output: {}, error: {}", id, trimmed(rm.output), rm.error);
    }
    return last;
  }
  std::string endpoint() const override { return socket_; }

 private:
  host::CommandResult crictl(std::vector<std::string> args) {
    std::vector<std::string> argv = {"crictl", "-r", socket_};
    argv.insert(argv.end(), args.begin(), args.end());
    return m_.run(argv);
  }
  host::Machine& m_;
  std::string socket_;
};

}  // namespace

std::unique_ptr<ContainerRuntime> crictl_runtime(host::Machine& m, const std::string& socket) {
  return std::make_unique<Crictl>(m, socket);
}

}  // namespace kadm::preflight
