// kadm kubeconfig user: a kubeconfig for another user, signed by the cluster CA on disk (or with
// a token), printed on stdout, as upstream's `kubeadm kubeconfig user`.
#include <fmt/format.h>

#include <iostream>

#include "api/defaults.h"
#include "cli/config_flags.h"
#include "cli/root.h"
#include "kubeconfig/files.h"
#include "pki/certlist.h"
#include "pki/store.h"
#include "util/error.h"

namespace kadm::cli {
namespace {

struct UserOptions {
  std::string config;
  std::string client_name;
  std::vector<std::string> orgs;
  std::string token;
  Duration validity = std::chrono::hours(24 * 365);
};

int run_user(Invocation& inv, const UserOptions& o) {
  if (o.client_name.empty())
    throw Error("required flag(s) \"client-name\" not set",
                "pass --client-name, e.g. --client-name=alice", kExitUsage);
  api::ConfigSet set;
  if (!o.config.empty()) set = load_config_or_throw(o.config);
  if (!set.init) set.init = api::InitConfiguration{};
  if (!set.cluster) set.cluster = api::ClusterConfiguration{};
  api::set_defaults(set);
  api::set_dynamic_defaults(set, api::real_host_facts());
  const auto& r = api::release_of(*set.cluster);
  pki::CA ca = pki::load_ca(*pki::find_cert("ca"), set.cluster->certificates_dir);
  std::string server = kubeconfig::control_plane_url(*set.init, *set.cluster);
  kubeconfig::Config cfg;
  if (!o.token.empty()) {
    cfg = kubeconfig::with_token(server, set.cluster->cluster_name, o.client_name, ca.cert.pem(),
                                 o.token);
  } else {
    if (!ca.key)
      throw Error(SourceLocation{pki::key_path(set.cluster->certificates_dir, "ca"), "", "", 0, 0},
                  "the CA key is missing, so no client certificate can be signed",
                  "provide ca.key, or use --token", kExitFailure);
    auto in = pki::pki_inputs(*set.init, *set.cluster, r);
    if (inv.changed("validity-period"))
      in.validity = std::chrono::duration_cast<std::chrono::seconds>(o.validity);
    kubeconfig::FileSpec spec{"", o.client_name, o.orgs, server};
    cfg = kubeconfig::client_cert_config(spec, set.cluster->cluster_name, ca.cert, *ca.key, in,
                                         pki::generate_key(in.algorithm));
  }
  // Upstream prints the document with Println: one extra newline.
  std::cout << kubeconfig::serialize(cfg) << "\n";
  return 0;
}

}  // namespace

void add_kubeconfig_commands(Command& root) {
  auto& kc = root.add("kubeconfig", "Kubeconfig file utilities");
  kc.long_help = "Kubeconfig file utilities.";
  static UserOptions o;
  auto& user = kc.add("user", "Output a kubeconfig file for an additional user");
  user.long_help = "Output a kubeconfig file for an additional user.";
  user.example =
      "  # Output a kubeconfig file for an additional user named foo\n"
      "  kadm kubeconfig user --client-name=foo\n\n"
      "  # Output a kubeconfig file for an additional user named foo using a kadm config file bar\n"
      "  kadm kubeconfig user --client-name=foo --config=bar";
  user.flag("client-name",
            "The name of user. It will be used as the CN if client certificates are created",
            &o.client_name);
  user.flag("config", "Path to a kubeadm configuration file.", &o.config);
  user.flag("org",
            "The organizations of the client certificate. It will be used as the O if client "
            "certificates are created",
            &o.orgs);
  user.flag("token",
            "The token that should be used as the authentication mechanism for this kubeconfig, "
            "instead of client certificates",
            &o.token);
  user.flag("validity-period",
            "The validity period of the client certificate. It is an offset from the current time.",
            &o.validity, "8760h0m0s");
  user.run = [](Invocation& inv) { return run_user(inv, o); };
}

}  // namespace kadm::cli
