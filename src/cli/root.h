// kadm's command tree: the same commands, phases and flags as upstream kubeadm.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.h"

namespace kadm::cli {

// Options every command accepts (kubeadm's persistent flags).
struct GlobalOptions {
  int verbosity = 0;
  std::string rootfs;
  std::string log_file;
  bool add_dir_header = false;
  bool skip_headers = false;
  bool skip_log_headers = false;
  bool one_output = false;
  int log_file_max_size = 1800;
};
GlobalOptions& globals();

// The whole command tree (help, completion, tests).
std::unique_ptr<Command> make_root();
// The tree a command line needs: the root and the one top-level command its first word names,
// or the whole tree when that word names none (root help, an unknown command) or asks for
// completion. Building init's, join's and reset's phase trees is most of `kadm version`'s
// start-up otherwise.
std::unique_ptr<Command> make_root(const std::vector<std::string>& args);

// The commands of kadm-cluster.so (init, join, certs, kubeconfig, reset, token) come from that
// module, which make_root loads when it needs one of them; a program that links their code in
// (the unit tests, benchmarks) hands make_root its cli::add_cluster_command instead.
using ClusterCommandsFn = void (*)(Command& root, std::string_view name);
void link_cluster_commands(ClusterCommandsFn add);

// Each command group registers itself on the root.
void add_version_command(Command& root);
void add_completion_command(Command& root);
void add_config_commands(Command& root);
void add_token_commands(Command& root);
void add_certs_commands(Command& root);
void add_kubeconfig_commands(Command& root);

}  // namespace kadm::cli
