// kadm token create|list|delete|generate: flags and wiring only; the work is in tokens/commands.
#include <fmt/format.h>

#include <iostream>

#include "api/bootstrap_token.h"
#include "api/defaults.h"
#include "api/validate.h"
#include "cli/config_flags.h"
#include "cli/root.h"
#include "kube/client.h"
#include "tokens/commands.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::cli {
namespace {

struct TokenOptions {
  std::string kubeconfig = "/etc/kubernetes/admin.conf";
  bool dry_run = false;
  // create
  std::string config_path;
  bool print_join_command = false;
  std::string certificate_key;
  Duration ttl = std::chrono::hours(24);
  std::vector<std::string> usages = {"signing", "authentication"};
  std::vector<std::string> groups = {api::kDefaultTokenGroup};
  std::string description;
  // list
  std::string output = "text";
  bool allow_missing_template_keys = true;
};

TokenOptions& options() {
  static TokenOptions o;
  return o;
}

// The API client the token commands use: the kubeconfig's identity, or under --dry-run one that
// answers reads from the cluster and prints every write instead of sending it.
std::unique_ptr<kube::Client> client(const TokenOptions& o) {
  if (!o.dry_run) return kube::from_kubeconfig(o.kubeconfig);
  std::shared_ptr<kube::Client> real = kube::from_kubeconfig(o.kubeconfig);
  return kube::make_dry_run_client([real](const kube::Ref& ref) -> std::optional<kube::json> {
    auto r = real->get(ref);
    if (r.status.ok()) return r.object;
    return std::nullopt;
  });
}

const std::vector<std::string> kAllowedWithConfig = {"config", "print-join-command", "certificate-key", "kubeconfig",
                                                     "dry-run", "v"};

int run_create(Invocation& inv) {
  const TokenOptions& o = options();
  api::BootstrapToken token;
  if (!o.certificate_key.empty()) {
    if (!o.print_join_command)
      throw Error("cannot use --certificate-key without --print-join-command",
                  "add --print-join-command to print a control-plane join command", kExitUsage);
    if (auto m = api::check_certificate_key(o.certificate_key); !m.empty())
      throw Error("--certificate-key: " + m, "use the key printed by 'kadm init phase upload-certs --upload-certs'", kExitConfig);
  }
  if (!o.config_path.empty()) {
    check_config_mixing(inv, kAllowedWithConfig);
    auto set = load_config_or_throw(o.config_path);
    api::set_defaults(set);
    if (!set.init || set.init->bootstrap_tokens.empty()) {
      token = tokens::token_from_request({});
    } else {
      token = set.init->bootstrap_tokens.front();
      if (!inv.args().empty()) token.token = inv.args().front();
      if (token.token.empty()) token.token = api::generate_token();
      std::string why;
      if (!api::parse_token(token.token, &why))
        throw Error(fmt::format("{}: bootstrapTokens[0].token is invalid: {}", o.config_path, why), "", kExitConfig);
      tokens::validate_token(token, o.config_path + ": bootstrapTokens[0]");
    }
  } else {
    tokens::CreateRequest r;
    if (!inv.args().empty()) r.token = inv.args().front();
    r.ttl = o.ttl;
    r.usages = o.usages;
    r.groups = o.groups;
    r.description = o.description;
    token = tokens::token_from_request(r);
  }
  // Build the join command before creating anything, so a bad kubeconfig changes nothing.
  std::string join;
  if (o.print_join_command) join = tokens::join_command_line(o.kubeconfig, token.token, o.certificate_key);
  auto c = client(o);
  log::v(1, "[token] creating token {}", api::parse_token(token.token)->id);
  tokens::create_token(*c, token, tokens::Clock::now());
  // The token (or the join command holding it) is this command's result: the one place it is
  // printed.
  std::cout << (o.print_join_command ? join : token.token) << "\n";
  return 0;
}

int run_list(Invocation&) {
  const TokenOptions& o = options();
  if (o.output != "text" && o.output != "json" && o.output != "yaml")
    throw Error(fmt::format("invalid output format \"{}\"", o.output), "use -o text, json or yaml", kExitUsage);
  auto c = client(o);
  auto res = tokens::list_tokens(*c);
  for (const auto& m : res.malformed) std::cerr << m << "\n";
  if (o.output == "json") std::cout << tokens::format_json(res.tokens);
  else if (o.output == "yaml") std::cout << tokens::format_yaml(res.tokens);
  else std::cout << tokens::format_text(res.tokens, tokens::Clock::now());
  return 0;
}

int run_delete(Invocation& inv) {
  const TokenOptions& o = options();
  auto ids = tokens::ids_to_delete(inv.args());  // every argument checked before any delete
  auto c = client(o);
  for (const auto& id : ids) std::cout << tokens::delete_token(*c, id) << "\n";
  return 0;
}

}  // namespace

void add_token_commands(Command& root) {
  TokenOptions& o = options();
  auto& token = root.add("token", "Manage bootstrap tokens");
  token.long_help = R"TXT(This command manages bootstrap tokens. It is optional and needed only for advanced use cases.

In short, bootstrap tokens are used for establishing bidirectional trust between a client and a server.
A bootstrap token can be used when a client (for example a node that is about to join the cluster) needs
to trust the server it is talking to. Then a bootstrap token with the "signing" usage can be used.
bootstrap tokens can also function as a way to allow short-lived authentication to the API Server
(the token serves as a way for the API Server to trust the client), for example for doing the TLS Bootstrap.

What is a bootstrap token more exactly?
 - It is a Secret in the kube-system namespace of type "bootstrap.kubernetes.io/token".
 - A bootstrap token must be of the form "[a-z0-9]{6}.[a-z0-9]{16}". The former part is the public token ID,
   while the latter is the Token Secret and it must be kept private at all circumstances!
 - The name of the Secret must be named "bootstrap-token-(token-id)".

You can read more about bootstrap tokens here:
  https://kubernetes.io/docs/admin/bootstrap-tokens/)TXT";
  token.flag("kubeconfig", "The kubeconfig file to use when talking to the cluster. If the flag is not set, a set of standard locations can be searched for an existing kubeconfig file.", &o.kubeconfig, "/etc/kubernetes/admin.conf");
  token.flag("dry-run", "Whether to enable dry-run mode or not", &o.dry_run);

  auto& create = token.add("create", "Create bootstrap tokens on the server");
  create.usage_args = "[token]";
  create.max_args = 1;
  create.long_help = R"TXT(This command will create a bootstrap token for you.
You can specify the usages for this token, the "time to live" and an optional human friendly description.

The [token] is the actual token to write.
This should be a securely generated random token of the form "[a-z0-9]{6}.[a-z0-9]{16}".
If no [token] is given, kadm will generate a random token instead (from the OS's CSPRNG).

Nothing is created when the token, --ttl, --usages, --groups or --description is invalid, or when a
token with the same id already exists.)TXT";
  create.flag("config", "Path to a kubeadm configuration file.", &o.config_path);
  create.flag("print-join-command", "Instead of printing only the token, print the full 'kadm join' flag needed to join the cluster using the token.", &o.print_join_command);
  create.flag("certificate-key", "When used together with '--print-join-command', print the full 'kadm join' flag needed to join the cluster as a control-plane. To create a new certificate key you must use 'kadm init phase upload-certs --upload-certs'.", &o.certificate_key);
  create.flag("ttl", "The duration before the token is automatically deleted (e.g. 1s, 2m, 3h). If set to '0', the token will never expire", &o.ttl, "24h0m0s");
  create.flag("usages", "Describes the ways in which this token can be used. You can pass --usages multiple times or provide a comma separated list of options. Valid options: [signing,authentication]", &o.usages).default_text = "[signing,authentication]";
  create.flag("groups", "Extra groups that this token will authenticate as when used for authentication. Must match \"\\\\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\\\\z\"", &o.groups).default_text = "[system:bootstrappers:kubeadm:default-node-token]";
  create.flag("description", "A human friendly description of how this token is used.", &o.description);
  create.run = run_create;

  auto& list = token.add("list", "List bootstrap tokens on the server");
  list.long_help = R"TXT(This command will list all bootstrap tokens for you.

kadm never prints a token's secret half in a listing: the TOKEN column (and the "token" field of
-o json|yaml) shows "<token-id>.<redacted>", e.g. "abcdef.<redacted>". The id is what 'kadm token
delete' takes; a token whose secret was lost cannot be recovered, create a new one instead.)TXT";
  list.flag(Flag{"output", 'o', "Output format. One of: text|json|yaml.", &o.output, "text"});
  list.flag("experimental-output", "Output format. One of: text|json|yaml.", &o.output).deprecated = "use --output instead";
  list.flag("allow-missing-template-keys", "If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.", &o.allow_missing_template_keys);
  list.run = run_list;

  auto& del = token.add("delete", "Delete bootstrap tokens on the server");
  del.usage_args = "[token-value] ...";
  del.max_args = -1;
  del.long_help = R"TXT(This command will delete a list of bootstrap tokens for you.

The [token-value] is the full Token of the form "[a-z0-9]{6}.[a-z0-9]{16}" or the
Token ID of the form "[a-z0-9]{6}" to delete.

Every argument is checked before anything is deleted.)TXT";
  del.run = run_delete;

  auto& gen = token.add("generate", "Generate and print a bootstrap token, but do not create it on the server");
  gen.long_help = R"TXT(This command will print out a randomly-generated bootstrap token that can be used with
the "init" and "join" commands.

You don't have to use this command in order to generate a token. You can do so
yourself as long as it is in the format "[a-z0-9]{6}.[a-z0-9]{16}". This
command is provided for convenience to generate tokens in the given format.

You can also use "kadm init" without specifying a token and it will
generate and print one for you.)TXT";
  gen.run = [](Invocation&) {
    std::cout << api::generate_token() << "\n";
    return 0;
  };
}

}  // namespace kadm::cli
