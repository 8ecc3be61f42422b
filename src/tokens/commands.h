// The work behind `kadm token create|list|delete` (upstream cmd/token.go), apart from flag
// parsing: validating what the user asked for, writing and reading the token Secrets through a
// kube::Client, and printing. A listing never shows a token's secret half: the TOKEN column (and
// the "token" field of -o json|yaml) reads "<id>.<redacted>".
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "api/types.h"
#include "kube/client.h"
#include "tokens/secret.h"
#include "util/duration.h"

namespace kadm::tokens {

// What `token create` was asked for on the command line.
struct CreateRequest {
  std::string token;  // "" = generate one
  Duration ttl = std::chrono::hours(24);
  std::vector<std::string> usages = {"signing", "authentication"};
  std::vector<std::string> groups = {"system:bootstrappers:kubeadm:default-node-token"};
  std::string description;
};

// The token to create, validated with upstream's rules and messages. Throws kadm::Error
// (exit 3) naming the flag and what is accepted; nothing is sent to the cluster before this.
api::BootstrapToken token_from_request(const CreateRequest& r);
// The same checks for a token taken from a config file's bootstrapTokens[0].
void validate_token(const api::BootstrapToken& t, const std::string& where);

// Creates the Secret; fails with `a token with id "<id>" already exists` when it does.
void create_token(kube::Client& c, const api::BootstrapToken& t, Clock::time_point now);

struct ListResult {
  std::vector<Listed> tokens;
  std::vector<std::string> malformed;  // one message per Secret that could not be read
};
ListResult list_tokens(kube::Client& c);

// "abcdef.<redacted>": what listings show instead of the token.
std::string redacted(const std::string& id);

// Upstream's text table (TOKEN TTL EXPIRES USAGES DESCRIPTION EXTRA GROUPS; "<forever>",
// "<never>", "<none>"), with the token redacted.
std::string format_text(const std::vector<Listed>& tokens, Clock::time_point now);
// One output.kubeadm.k8s.io/v1alpha1 BootstrapToken document per token, as -o json|yaml prints.
std::string format_json(const std::vector<Listed>& tokens);
std::string format_yaml(const std::vector<Listed>& tokens);

// kubectl's ShortHumanDuration: "45s", "59m", "23h", "6d", "2y", "<invalid>".
std::string short_human_duration(std::chrono::seconds d);

// The token ids to delete from `token delete` arguments (ids or whole tokens). Throws kadm::Error
// for an argument that is neither, before anything is deleted.
std::vector<std::string> ids_to_delete(const std::vector<std::string>& args);
// DELETE one token Secret; "bootstrap token "<id>" deleted" on success.
std::string delete_token(kube::Client& c, const std::string& id);

// `kadm join <endpoint> --token … --discovery-token-ca-cert-hash sha256:…` on one line, from the
// kubeconfig's current cluster (server and CA), as `token create --print-join-command` prints it.
std::string join_command_line(const std::string& kubeconfig_path, const std::string& token,
                              const std::string& certificate_key);

}  // namespace kadm::tokens
