// Bootstrap tokens ("abcdef.0123456789abcdef"): parsing, validation and generation with
// upstream's formats and messages (k8s.io/cluster-bootstrap).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kadm::api {

struct TokenParts {
  std::string id;      // 6 chars [a-z0-9]
  std::string secret;  // 16 chars [a-z0-9]
};

// Parses "id.secret". On failure returns nullopt and, if `why` is given, says what is wrong and
// where ("character 7 is a space ' '; tokens use only a-z and 0-9").
std::optional<TokenParts> parse_token(const std::string& token, std::string* why = nullptr);
bool is_token_id(const std::string& id);

// A new token from the OS's CSPRNG, characters drawn without modulo bias.
std::string generate_token();

// Upstream's rules for extra groups and usages. Return "" when valid, else the message.
std::string validate_token_groups(const std::vector<std::string>& groups);
std::string validate_token_usages(const std::vector<std::string>& usages);

inline constexpr const char* kTokenPattern = "[a-z0-9]{6}.[a-z0-9]{16}";

}  // namespace kadm::api
