#include "cli/root.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/app.h"
#include "util/error.h"
#include "util/log.h"
#include "util/module.h"

namespace kadm::cli {

GlobalOptions& globals() {
  static GlobalOptions g;
  return g;
}

namespace {

// The top-level commands, in the order help lists them. `completion` walks the whole tree.
struct TopLevel {
  const char* name;
  void (*add)(Command& root);  // null: a command of kadm-cluster.so
};
constexpr TopLevel kTopLevel[] = {
    {"completion", add_completion_command},
    {"config", add_config_commands},
    {"init", nullptr},
    {"join", nullptr},
    {"certs", nullptr},
    {"kubeconfig", nullptr},
    {"reset", nullptr},
    {"token", nullptr},
    {"version", add_version_command},
};

ClusterCommandsFn& linked_cluster_commands() {
  static ClusterCommandsFn fn = nullptr;
  return fn;
}

// kadm-cluster.so's entry point (src/modules/cluster/cluster_module.cc); util/module.h loads the
// module once.
using ModuleEntry = void (*)(Command& root, const char* name);

ModuleEntry cluster_module() {
  std::string error;
  auto entry = reinterpret_cast<ModuleEntry>(
      load_module_symbol(kClusterModule, "kadm_cluster_add_command", &error));
  if (!entry) throw Error(error, "reinstall kadm: the module ships with the binary");
  return entry;
}

void add_top_level(Command& root, const TopLevel& c) {
  if (c.add)
    c.add(root);
  else if (auto linked = linked_cluster_commands())
    linked(root, c.name);
  else
    cluster_module()(root, c.name);
}

std::unique_ptr<Command> make_bare_root() {
  auto root = std::make_unique<Command>("kadm", "kadm: easily bootstrap a secure Kubernetes cluster");
  root->long_help = R"TXT(
    ┌──────────────────────────────────────────────────────────┐
    │ KADM                                                     │
    │ Easily bootstrap a secure Kubernetes cluster             │
    │                                                          │
    │ A drop-in, faster kubeadm for Kubernetes v1.20 to v1.36. │
    └──────────────────────────────────────────────────────────┘

Example usage:

    Create a two-machine cluster with one control-plane node
    (which controls the cluster), and one worker node
    (where your workloads, like Pods and Deployments run).

    ┌──────────────────────────────────────────────────────────┐
    │ On the first machine:                                    │
    ├──────────────────────────────────────────────────────────┤
    │ control-plane# kadm init                                 │
    └──────────────────────────────────────────────────────────┘

    ┌──────────────────────────────────────────────────────────┐
    │ On the second machine:                                   │
    ├──────────────────────────────────────────────────────────┤
    │ worker# kadm join <arguments-returned-from-init>         │
    └──────────────────────────────────────────────────────────┘

    You can then repeat the second step on as many other machines as you like.
)TXT";
  GlobalOptions& g = globals();
  root->flag(Flag{"v", 'v', "number for the log level verbosity", &g.verbosity});
  root->flag("rootfs", "[EXPERIMENTAL] The path to the 'real' host root filesystem. This will cause kadm to chroot into the provided path.", &g.rootfs);
  root->flag("log-file", "If non-empty, use this log file", &g.log_file);
  root->flag("add-dir-header", "If true, adds the file directory to the header of the log messages", &g.add_dir_header);
  root->flag("skip-headers", "If true, avoid header prefixes in the log messages", &g.skip_headers);
  root->flag("skip-log-headers", "If true, avoid headers when opening log files", &g.skip_log_headers);
  root->flag("one-output", "If true, only write logs to their native severity level (vs also writing to each lower severity level)", &g.one_output);
  root->flag("log-file-max-size", "Defines the maximum size a log file can grow to. Unit is megabytes. If the value is 0, the maximum file size is unlimited.", &g.log_file_max_size, "1800");

  root->persistent_pre_run = [](Invocation&) {
    GlobalOptions& g = globals();
    log::set_verbosity(g.verbosity);
    if (!g.rootfs.empty()) {
      // As upstream: --rootfs chroots into the given host root before doing anything else. The
      // modules a command may load later are loaded first: after the chroot kadm cannot reach
      // the directory it was started from.
      load_all_modules();
      if (chroot(g.rootfs.c_str()) != 0 || chdir("/") != 0) {
        throw Error("cannot chroot into --rootfs \"" + g.rootfs + "\": " + std::strerror(errno),
                    "--rootfs needs root privileges and an existing directory");
      }
    }
  };

  return root;
}

}  // namespace

void link_cluster_commands(ClusterCommandsFn add) { linked_cluster_commands() = add; }

std::unique_ptr<Command> make_root() { return make_root(std::vector<std::string>{}); }

std::unique_ptr<Command> make_root(const std::vector<std::string>& args) {
  auto root = make_bare_root();
  auto word = first_word(*root, args);
  const TopLevel* named = nullptr;
  if (word && *word != "completion")
    for (const auto& c : kTopLevel)
      if (*word == c.name) named = &c;
  if (named) {
    add_top_level(*root, *named);
  } else {
    for (const auto& c : kTopLevel) add_top_level(*root, c);
  }
  return root;
}

}  // namespace kadm::cli
