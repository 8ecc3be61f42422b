// Help and completion text rendered from the command tree, in cobra/pflag's layout.
#pragma once

#include <string>

#include "cli/command.h"

namespace kadm::cli {

std::string render_help(const Command& cmd);
std::string render_bash_completion(const Command& root);
std::string render_zsh_completion(const Command& root);

}  // namespace kadm::cli
