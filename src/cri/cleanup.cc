#include "cri/cleanup.h"

#include "util/error.h"
#include "util/log.h"

namespace kadm::cri {

CleanupReport remove_all_pod_sandboxes(Runtime& runtime, int attempts) {
  CleanupReport report;
  for (const auto& sandbox : runtime.list_pod_sandboxes()) {
    std::string last;
    for (int i = 0; i < attempts; ++i) {
      try {
        log::v(5, "removing Pod sandbox {} ({}/{})", sandbox.id, sandbox.metadata.ns, sandbox.metadata.name);
        runtime.stop_pod_sandbox(sandbox.id);
        runtime.remove_pod_sandbox(sandbox.id);
        last.clear();
        break;
      } catch (const Error& e) {
        last = e.what();
      }
    }
    if (last.empty()) report.removed.push_back(sandbox.id);
    else report.errors.push_back(last);
  }
  return report;
}

}  // namespace kadm::cri
