// Preflight checks as data (upstream cmd/kubeadm/app/preflight): each check has upstream's name,
// so that --ignore-preflight-errors and nodeRegistration.ignorePreflightErrors work the same,
// and returns warnings and errors with upstream's messages. Which checks run is decided per
// command and per release in preflight/node_checks.h; this file runs and reports them.
#pragma once

#include <cstdio>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace kadm::host {
class Machine;
}

namespace kadm::preflight {

class ContainerRuntime;

struct Result {
  std::vector<std::string> warnings;
  std::vector<std::string> errors;
};

// What a check may look at: the machine (files, ports, processes) and the container runtime
// (null when it could not be reached; the CRI check reports that).
struct Env {
  host::Machine& machine;
  ContainerRuntime* runtime = nullptr;
};

struct Check {
  std::string name;  // upstream's name, e.g. "Port-6443", "FileContent--proc-sys-net-ipv4-ip_forward"
  std::function<Result(Env&)> run;
};

// The set --ignore-preflight-errors and the configuration build: lower-cased names, or "all".
class IgnoreSet {
 public:
  IgnoreSet() = default;
  // Upstream ValidateIgnorePreflightErrors: union of the flag's and the config's lists,
  // case-insensitive; "all" together with individual names is an error (kadm::Error, exit 2).
  static IgnoreSet parse(const std::vector<std::string>& flag_values,
                         const std::vector<std::string>& config_values);
  bool ignores(const std::string& check_name) const;
  bool all() const { return names_.count("all") > 0; }
  const std::set<std::string>& names() const { return names_; }

 private:
  std::set<std::string> names_;
};

// kadm: names in the ignore set that no release of kubeadm knows and that match none of the
// checks about to run, each with the closest known name. Upstream accepts any name silently, and
// scripts carry names across versions, so these are warnings, not errors.
std::vector<std::string> unknown_name_warnings(const IgnoreSet& ignore,
                                               const std::vector<Check>& checks);

struct Report {
  std::vector<std::string> lines;  // "\t[WARNING Name]: msg" / "\t[ERROR Name]: msg"
  int errors = 0;
  int warnings = 0;
  std::vector<std::string> failed;  // names of checks with errors that were not ignored
};

// Runs every check in order. Warnings are written to `out` as they come (upstream writes them to
// stderr); errors are collected. Ignored checks have their errors demoted to warnings.
Report run_checks(const std::vector<Check>& checks, Env& env, const IgnoreSet& ignore,
                  std::FILE* out = stderr);

// Throws the upstream preflight failure (kadm::Error, exit code 4) when `r` has errors:
// "[preflight] Some fatal errors occurred:" + the error lines + the --ignore-preflight-errors hint.
// A non-empty `hint` replaces the generic one (--fix, --ignore-preflight-errors).
void throw_if_failed(const Report& r, const std::string& hint = {});

// Runs the checks and throws on errors: the whole upstream RunChecks.
void run_or_throw(const std::vector<Check>& checks, Env& env, const IgnoreSet& ignore,
                  std::FILE* out = stderr);

}  // namespace kadm::preflight
