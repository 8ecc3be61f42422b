#include "cli/cluster_commands.h"

#include "cli/root.h"
#include "phases/init/data.h"
#include "phases/join/data.h"
#include "phases/reset/data.h"
#include "pki/ossl.h"

namespace kadm::cli {

void add_cluster_command(Command& root, std::string_view name) {
  pki::ossl::init();
  if (name == "init") phases::add_init_command(root);
  if (name == "join") phases::add_join_command(root);
  if (name == "certs") add_certs_commands(root);
  if (name == "kubeconfig") add_kubeconfig_commands(root);
  if (name == "reset") phases::reset::add_reset_command(root);
  if (name == "token") add_token_commands(root);
}

}  // namespace kadm::cli
