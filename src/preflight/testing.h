// For unit tests: a container runtime that records calls and answers from fields.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "preflight/runtime.h"

namespace kadm::preflight {

class FakeRuntime : public ContainerRuntime {
 public:
  std::string running_error;               // what check_running answers ("" = running)
  std::set<std::string> images;            // present images
  std::set<std::string> unpullable;        // pulls of these fail
  std::optional<std::string> sandbox;      // the runtime's sandbox image, when it says
  std::vector<std::string> pods;           // sandbox ids
  std::set<std::string> stuck;             // sandboxes that refuse removal
  std::string list_error;
  std::vector<std::string> pulled, removed;

  std::string check_running() override { return running_error; }
  bool image_exists(const std::string& i) override { return images.count(i) > 0; }
  std::string pull_image(const std::string& i) override {
    if (unpullable.count(i)) return "rpc error: not found";
    pulled.push_back(i);
    images.insert(i);
    return "";
  }
  std::optional<std::string> sandbox_image() override { return sandbox; }
  std::vector<std::string> list_pod_sandboxes(std::string* error) override {
    if (!list_error.empty()) {
      if (error) *error = list_error;
      return {};
    }
    return pods;
  }
  std::string remove_pod_sandbox(const std::string& id) override {
    if (stuck.count(id)) return "failed to remove pod " + id + ": device or resource busy";
    removed.push_back(id);
    pods.erase(std::remove(pods.begin(), pods.end(), id), pods.end());
    return "";
  }
  std::string endpoint() const override { return "unix:///run/containerd/containerd.sock"; }
};

}  // namespace kadm::preflight
