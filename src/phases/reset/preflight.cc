// reset phase preflight (upstream cmd/phases/reset/preflight.go): unless --force, ask before
// reverting; then the root check, the only check reset runs.
#include <cstdio>
#include <iostream>
#include <string>

#include "phases/reset/data.h"
#include "preflight/node_checks.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases::reset {

void run_preflight(ResetData& d) {
  if (!d.cfg.force) {
    log::warning("[reset] Changes made to this host by 'kubeadm init' or 'kubeadm join' will be reverted.");
    std::fputs("[reset] Are you sure you want to proceed? [y/N]: ", stdout);
    std::fflush(stdout);
    std::string answer;
    if (d.input) std::getline(*d.input, answer);
    if (answer != "y" && answer != "Y")
      throw Error("aborted reset operation", "answer y to proceed, or pass --force to skip the question");
  }
  log::progress("[preflight] Running pre-flight checks");
  auto ignore = d.ignore();
  auto checks = preflight::root_checks();
  for (const auto& w : preflight::unknown_name_warnings(ignore, checks)) log::warning(w);
  preflight::Env env{d.machine(), nullptr};
  preflight::run_or_throw(checks, env, ignore);
}

}  // namespace kadm::phases::reset
