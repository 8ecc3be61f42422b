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

// Stops and removes every Pod sandbox the runtime lists, each up to `attempts` times (upstream's
// RemoveContainerRetry is 5). Never throws for one sandbox: failures are collected. Throws only
// when the sandboxes cannot be listed.
CleanupReport remove_all_pod_sandboxes(Runtime& runtime, int attempts = 5);

}  // namespace kadm::cri
