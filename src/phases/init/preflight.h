// init phase preflight: upstream's checks for the release, then the image pull; with kadm's
// --fix, the host is repaired first (see preflight/fix.h).
#pragma once

#include "cli/command.h"
#include "preflight/fix.h"
#include "workflow/phase.h"

namespace kadm::phases {

class InitData;

// Storage of --fix, shared by `kadm init` and `kadm init phase preflight`.
bool& init_fix_flag();
// Adds --fix to the init command (the preflight phase command inherits it).
void add_fix_flag(cli::Command& cmd, bool* target);

// The preflight phase of init, first in the workflow.
workflow::Phase preflight_phase();

// What --fix should align for an init configuration (cgroup driver, pause image, mirror, …).
preflight::FixInputs init_fix_inputs(const InitData& d);

}  // namespace kadm::phases
