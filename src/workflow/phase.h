// Phases declared as data and run by one runner, as upstream kubeadm's workflow package does:
// `kadm init` runs every phase in order (minus --skip-phases), and `kadm init phase <name>` runs
// one. The same phase list produces the help text, the `phase` sub-commands and the run order.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"

namespace kadm::workflow {

// What the phases of one command share (InitData, JoinData, …). Created lazily on first use so
// that `--help` and flag errors need no configuration.
class Data {
 public:
  virtual ~Data() = default;
};

class Context {
 public:
  using Factory = std::function<std::unique_ptr<Data>(const cli::Invocation&)>;
  Context(const cli::Invocation& inv, Factory factory) : inv_(inv), factory_(std::move(factory)) {}

  template <typename T>
  T& data() {
    if (!data_) data_ = factory_(inv_);
    return dynamic_cast<T&>(*data_);
  }
  const cli::Invocation& invocation() const { return inv_; }

 private:
  const cli::Invocation& inv_;
  Factory factory_;
  std::unique_ptr<Data> data_;
};

struct Phase {
  std::string name;
  std::string short_help;
  std::string long_help;
  std::string example;
  bool hidden = false;
  // Flags of the parent command this phase's own command accepts ("config", "cert-dir", …).
  std::vector<std::string> inherit_flags;
  // Flags only the phase command has.
  std::vector<cli::Flag> local_flags;
  std::vector<Phase> children;
  // Runs the phase; absent for pure groups.
  std::function<void(Context&)> run;
  // When set and false, the phase is skipped (e.g. upload-certs without --upload-certs).
  std::function<bool(Context&)> run_if;
  // Add an "all" child that runs every child (as upstream does for certs, kubeconfig, …).
  bool with_all = false;
};

struct Workflow {
  std::vector<Phase> phases;
  Context::Factory factory;
};

// Adds to `cmd`: the --skip-phases flag's effect, the phase list in --help, and the
// `<cmd> phase <name> [<sub>]` commands. `skip_phases` is the storage of --skip-phases.
void attach(cli::Command& cmd, std::shared_ptr<Workflow> workflow,
            std::vector<std::string>* skip_phases);

// Phases started before their turn. When the run reaches the phase `at`, it first runs each of
// `phases` (a phase path, with its children and its parents' own steps), holding their lines back;
// then it goes on in order, printing each held phase's lines when it reaches that phase instead of
// running it again. The output reads as the usual order; only the work moved. `phases` must come
// after `at` and must not need anything that the phases between them make.
struct Ahead {
  std::string at;
  std::vector<std::string> phases;
};

// Runs all phases in order, skipping those named in `skip` ("certs" skips every certs phase,
// "certs/ca" only that one), with `ahead`'s phases moved forward. Phase timings are logged at
// --v=1.
void run_all(const Workflow& wf, Context& ctx, const std::vector<std::string>& skip,
             const Ahead& ahead = {});

// Whether `skip` skips the phase `path` (naming it or one of its parents).
bool is_skipped(const std::string& path, const std::vector<std::string>& skip);

// Every phase path ("preflight", "certs", "certs/ca", …), for validating --skip-phases.
std::vector<std::string> phase_paths(const Workflow& wf);

}  // namespace kadm::workflow
