// kadm: a kubeadm-compatible Kubernetes cluster bootstrapper.
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/root.h"
#include "util/error.h"
#include "util/log.h"

int main(int argc, char** argv) {
  // A peer that closes its end (an API server killed mid-request) must be an error on that one
  // connection, which the API client retries, not a silent end of kadm: OpenSSL writes to TLS
  // sockets with write(2), which raises SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  std::vector<std::string> args(argv + 1, argv + argc);
  std::unique_ptr<kadm::cli::Command> root;
  try {
    root = kadm::cli::make_root(args);
  } catch (const kadm::Error& e) {  // kadm-cluster.so missing or broken
    std::cerr << "error: " << e.render() << "\n";
    return e.exit_code();
  }
  // Verbosity must be known before any command logs; CLI11 sets it during parsing, which runs
  // before the command, so install it through the flag's storage below.
  int rc = kadm::cli::run(*root, args);
  std::cout.flush();
  return rc;
}
