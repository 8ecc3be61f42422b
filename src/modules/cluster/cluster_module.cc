// kadm-cluster.so: the commands that need libcrypto (cli/cluster_commands.h), loaded by the binary
// only when a command line names one of them. The module uses the binary's own copy of everything
// else (the command line, configuration API, logging), which the binary exports
// (exports.list beside this file).
#include "cli/cluster_commands.h"

extern "C" __attribute__((visibility("default"))) void kadm_cluster_add_command(
    kadm::cli::Command& root, const char* name) {
  kadm::cli::add_cluster_command(root, name);
}
