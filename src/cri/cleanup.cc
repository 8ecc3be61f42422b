#include "cri/cleanup.h"

#include "util/error.h"
#include "util/log.h"

namespace kadm::cri {

std::string remove_pod_sandbox(Runtime& runtime, const std::string& id, int attempts) {
  std::string last;
  for (int i = 0; i < attempts; ++i) {
    try {
      runtime.stop_pod_sandbox(id);
      runtime.remove_pod_sandbox(id);
      return "";
    } catch (const Error& e) {
      last = e.what();
    }
  }
  return last;
}

CleanupReport remove_all_pod_sandboxes(Runtime& runtime, int attempts) {
  CleanupReport report;
  for (const auto& sandbox : runtime.list_pod_sandboxes()) {
    log::v(5, "removing Pod sandbox {} ({}/{})", sandbox.id, sandbox.metadata.ns, sandbox.metadata.name);
    if (auto error = remove_pod_sandbox(runtime, sandbox.id, attempts); error.empty())
      report.removed.push_back(sandbox.id);
    else
      report.errors.push_back(error);
  }
  return report;
}

}  // namespace kadm::cri
