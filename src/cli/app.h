// Parses a command line against the command tree (with CLI11) and runs the chosen command.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"

namespace kadm::cli {

// Returns the process exit code. Usage errors print one line naming the problem and the help
// command; kadm::Error from a command prints its rendering.
int run(Command& root, const std::vector<std::string>& args);

// The first word of the command line that is neither a flag of `root` nor a flag's value: the
// top-level command it names, if any ("kadm --v 5 init phase certs" gives "init").
std::optional<std::string> first_word(Command& root, const std::vector<std::string>& args);

}  // namespace kadm::cli
