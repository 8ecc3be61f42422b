// The unit tests link kadm-cluster.so's code in (kadmcore): make_root builds its commands from
// that code instead of loading the module, whose symbols the test binary would not provide.
#include "cli/cluster_commands.h"
#include "cli/root.h"

namespace {

const bool linked = (kadm::cli::link_cluster_commands(&kadm::cli::add_cluster_command), true);

}  // namespace
