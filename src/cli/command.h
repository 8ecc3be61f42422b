// The command tree as data: names, help texts, flags and what to run. Parsing is done by CLI11
// (cli/app.cc); help and completion are rendered from this tree in cobra's format so that kadm's
// `--help` reads like kubeadm's.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "util/duration.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace kadm::cli {

class Invocation;

// A flag bound to a variable. `type` is the word cobra prints after the flag name ("string",
// "strings", "int32", "duration", "" for booleans).
struct Flag {
  using Target = std::variant<bool*, std::string*, std::vector<std::string>*, int*, Duration*,
                              std::map<std::string, std::string>*>;
  Flag(std::string name, char shorthand, std::string usage, Target target,
       std::string default_text = {})
      : name(std::move(name)),
        shorthand(shorthand),
        usage(std::move(usage)),
        target(target),
        default_text(std::move(default_text)) {}

  std::string name;
  char shorthand = 0;
  std::string usage;
  Target target;
  std::string default_text;  // printed as (default ...); empty = none
  bool hidden = false;
  std::string deprecated;  // non-empty: accepted, warns with this text, hidden from help
  CLI::Option* option = nullptr;  // set while parsing
  std::string type_name() const;
};

class Command {
 public:
  Command(std::string name, std::string short_help) : name(std::move(name)), short_help(std::move(short_help)) {}

  std::string name;
  std::string short_help;
  std::string long_help;  // shown at the top of --help; defaults to short_help
  std::string example;
  std::string usage_args;  // e.g. "[token]" or "NAME..."; appended to the usage line
  std::vector<std::string> aliases;
  bool hidden = false;
  int min_args = 0;
  int max_args = 0;  // -1 = unlimited
  std::vector<Flag> flags;
  std::vector<std::unique_ptr<Command>> children;
  // Runs the command. Absent for pure groups (they print help).
  std::function<int(Invocation&)> run;
  // Extra help text placed after the description (used for the phase list of init/join/reset).
  std::function<std::string()> extra_help;
  // Runs before the chosen command (the nearest one up the tree), like cobra's PersistentPreRun.
  std::function<void(Invocation&)> persistent_pre_run;
  Command* parent = nullptr;

  Command& add(std::unique_ptr<Command> child);
  Command& add(std::string name, std::string short_help);
  Flag& flag(Flag f);
  // Shortcuts for binding flags.
  Flag& flag(std::string name, std::string usage, std::string* target, std::string def = {});
  Flag& flag(std::string name, std::string usage, bool* target);
  Flag& flag(std::string name, std::string usage, std::vector<std::string>* target);
  Flag& flag(std::string name, std::string usage, int* target, std::string def = {});
  Flag& flag(std::string name, std::string usage, Duration* target, std::string def = {});
  Flag& flag(std::string name, std::string usage, std::map<std::string, std::string>* target);

  std::string path() const;  // "kadm init phase certs"
  const Command* find_child(const std::string& name) const;
  const Flag* find_flag(const std::string& name) const;  // this command's own flags
};

// What a running command can ask: positional arguments, whether a flag was given, where to write.
class Invocation {
 public:
  Invocation(const Command& cmd, std::vector<std::string> args) : cmd_(cmd), args_(std::move(args)) {}
  const Command& command() const { return cmd_; }
  const std::vector<std::string>& args() const { return args_; }
  // True when the flag (of this command or a parent) appeared on the command line.
  bool changed(const std::string& flag) const;
  // Names of the flags that appeared on the command line.
  std::vector<std::string> changed_flags() const;

 private:
  const Command& cmd_;
  std::vector<std::string> args_;
};

}  // namespace kadm::cli
