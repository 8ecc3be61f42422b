// An in-memory cri::Backend for unit tests: images, sandboxes and containers in maps, with
// per-call failures that tests inject. Thread-safe, like the real one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "cri/backend.h"

namespace kadm::cri::testing {

class FakeBackend : public Backend {
 public:
  std::string api = kApiV1;
  std::map<std::string, Status> fail;  // call name ("pull:<image>", "status", "stop_sandbox:<id>") → status
  std::map<std::string, int> fail_times;  // how many times the failure in `fail` repeats (absent = forever)
  RuntimeStatus runtime_status;
  std::map<std::string, Image> images;  // by tag
  std::map<std::string, PodSandbox> sandboxes;
  std::map<std::string, ContainerStatus> containers;
  std::map<std::string, Container> container_list;
  std::function<void(const std::string&)> on_pull;  // runs inside pull_image (blocking tests)
  std::atomic<int> pulls_in_flight{0};
  std::atomic<int> max_pulls_in_flight{0};
  std::vector<std::string> calls;

  const std::string& api_version() const override { return api; }

  Status version(VersionInfo* out) override {
    if (auto s = injected("version"); !s.ok()) return s;
    *out = {"0.1.0", "fake", "1.0", api};
    return {};
  }
  Status status(bool, RuntimeStatus* out) override {
    if (auto s = injected("status"); !s.ok()) return s;
    *out = runtime_status;
    return {};
  }
  Status list_images(std::vector<Image>* out) override {
    if (auto s = injected("list_images"); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    out->clear();
    for (const auto& [tag, image] : images) out->push_back(image);
    return {};
  }
  Status image_status(const std::string& image, std::optional<Image>* out) override {
    if (auto s = injected("image_status:" + image); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = images.find(image);
    if (it == images.end()) out->reset();
    else *out = it->second;
    return {};
  }
  Status pull_image(const std::string& image, const AuthConfig*, std::string* ref) override {
    int now = ++pulls_in_flight;
    for (int seen = max_pulls_in_flight; now > seen && !max_pulls_in_flight.compare_exchange_weak(seen, now);) {
    }
    if (on_pull) on_pull(image);
    --pulls_in_flight;
    if (auto s = injected("pull:" + image); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    images[image] = Image{"sha256:" + image, {image}, {}, 1, false};
    *ref = "sha256:" + image;
    return {};
  }
  Status remove_image(const std::string& image) override {
    std::lock_guard<std::mutex> lock(mu_);
    images.erase(image);
    return {};
  }
  Status run_pod_sandbox(const PodSandboxConfig& config, const std::string&, std::string* id) override {
    std::lock_guard<std::mutex> lock(mu_);
    *id = "sb" + std::to_string(sandboxes.size() + 1);
    sandboxes[*id] = PodSandbox{*id, config.metadata, SandboxState::Ready, 1, config.labels, config.annotations, ""};
    return {};
  }
  Status stop_pod_sandbox(const std::string& id) override {
    record("stop_sandbox:" + id);
    if (auto s = injected("stop_sandbox:" + id); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    if (sandboxes.count(id)) sandboxes[id].state = SandboxState::NotReady;
    return {};
  }
  Status remove_pod_sandbox(const std::string& id) override {
    record("remove_sandbox:" + id);
    if (auto s = injected("remove_sandbox:" + id); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    sandboxes.erase(id);
    return {};
  }
  Status list_pod_sandboxes(const PodSandboxFilter&, std::vector<PodSandbox>* out) override {
    if (auto s = injected("list_sandboxes"); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    out->clear();
    for (const auto& [id, sb] : sandboxes) out->push_back(sb);
    return {};
  }
  Status create_container(const std::string&, const ContainerConfig&, const PodSandboxConfig&, std::string*) override {
    return {Code::Unimplemented, "fake"};
  }
  Status start_container(const std::string&) override { return {Code::Unimplemented, "fake"}; }
  Status stop_container(const std::string&, int64_t) override { return {}; }
  Status remove_container(const std::string&) override { return {}; }
  Status list_containers(const ContainerFilter& filter, std::vector<Container>* out) override {
    if (auto s = injected("list_containers"); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    out->clear();
    for (const auto& [id, c] : container_list) {
      bool match = true;
      for (const auto& [k, v] : filter.label_selector) {
        auto it = c.labels.find(k);
        match = match && it != c.labels.end() && it->second == v;
      }
      if (match) out->push_back(c);
    }
    return {};
  }
  Status container_status(const std::string& id, ContainerStatus* out) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = containers.find(id);
    if (it == containers.end()) return {Code::NotFound, "container \"" + id + "\" not found"};
    *out = it->second;
    return {};
  }

 private:
  Status injected(const std::string& call) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = fail.find(call);
    if (it == fail.end()) return {};
    Status s = it->second;
    if (auto t = fail_times.find(call); t != fail_times.end() && --t->second <= 0) {
      fail.erase(it);
      fail_times.erase(t);
    }
    return s;
  }
  void record(const std::string& call) {
    std::lock_guard<std::mutex> lock(mu_);
    calls.push_back(call);
  }
  std::mutex mu_;
};

}  // namespace kadm::cri::testing
