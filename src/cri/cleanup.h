// Removing what the kubelet ran, for `kadm reset`: every Pod sandbox is stopped then removed,
// which removes its containers too (upstream's RemoveContainers, with its retries).
#pragma once

#include <string>
#include <vector>

#include "cri/runtime.h"

namespace kadm::cri {

struct CleanupReport {
  std::vector<std::string> removed;  // sandbox ids
  std::vector<std::string> errors;   // one per sandbox that resisted every attempt
};

// Stops and removes one Pod sandbox, up to `attempts` times (upstream's RemoveContainerRetry is 5:
// sandboxes that are still stopping refuse removal). Returns "" or the last error.
std::string remove_pod_sandbox(Runtime& runtime, const std::string& id, int attempts = 5);

// Stops and removes every Pod sandbox the runtime lists, each as above. Never throws for one sandbox: failures are collected. Throws only
// when the sandboxes cannot be listed.
CleanupReport remove_all_pod_sandboxes(Runtime& runtime, int attempts = 5);

}  // namespace kadm::cri
