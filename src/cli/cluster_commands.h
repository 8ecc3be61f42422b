// The commands of kadm-cluster.so: those that make keys and certificates or talk to a cluster.
// The binary reaches them through the module (cli/root.cc); tests link them in.
#pragma once

#include <string_view>

#include "cli/command.h"

namespace kadm::cli {

// Adds the top-level command `name` (init, join, certs, kubeconfig, reset or token) to `root`.
// Initialises libcrypto first, the way kadm wants it (pki/ossl.h).
void add_cluster_command(Command& root, std::string_view name);

}  // namespace kadm::cli
