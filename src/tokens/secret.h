// The bootstrap token Secret as the cluster's token authenticator, bootstrap signer and token
// cleaner read it (reference §3.6), and the reverse: a token description from a Secret.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/types.h"

namespace kadm::tokens {

using Clock = std::chrono::system_clock;

// Secret kube-system/bootstrap-token-<id>. `expiration` is written when the token has `expires`
// or a non-zero TTL, as RFC 3339 in the host's local time zone (upstream's format).
nlohmann::json token_secret(const api::BootstrapToken& token, Clock::time_point now);

// RFC 3339 in local time: "2025-01-02T15:04:05+01:00", or "…Z" on a UTC host.
std::string rfc3339_local(Clock::time_point t);

// A Secret read back as a token (id only; the secret half is never returned for listings).
struct Listed {
  std::string id;
  std::string description;
  std::optional<Clock::time_point> expires;
  std::string expires_text;
  std::vector<std::string> usages;
  std::vector<std::string> groups;
};
// nullopt with `why` for a malformed token Secret.
std::optional<Listed> parse_token_secret(const nlohmann::json& secret, std::string* why);

}  // namespace kadm::tokens
