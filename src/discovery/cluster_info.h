// The cluster-info ConfigMap in kube-public (reference §3.5, §6.1): what join fetches
// anonymously, the detached signatures in it, and the CA pins it is checked against. Pure: no
// network here, so every verdict is unit-tested.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/bootstrap_token.h"

namespace kadm::discovery {

inline constexpr const char* kClusterInfoNamespace = "kube-public";
inline constexpr const char* kClusterInfoName = "cluster-info";
inline constexpr const char* kKubeconfigKey = "kubeconfig";
inline constexpr const char* kJWSKeyPrefix = "jws-kubeconfig-";

enum class Signature {
  kValid,         // jws-kubeconfig-<id> verifies over the kubeconfig
  kMissing,       // no signature for this token id (unknown, expired, or not signed yet)
  kInvalid,       // a signature for this id that does not verify (wrong secret, or tampered)
  kNoKubeconfig,  // the ConfigMap has no kubeconfig: not set up for token bootstrapping
};

struct SignatureCheck {
  Signature state = Signature::kMissing;
  std::string kubeconfig;    // the "kubeconfig" value exactly as received
  int other_signatures = 0;  // signatures for other token ids: the signer is at work
};

// Checks the ConfigMap object (as the API returns it) against the token.
SignatureCheck check_signature(const nlohmann::json& configmap, const api::TokenParts& token);

// Checks one --discovery-token-ca-cert-hash value. "" when valid, else a message naming the
// offending character and its position (a stray space from copying is the usual one,
// kubeadm#2288). The value itself is printed: a CA hash is public.
std::string check_pin(const std::string& value);

// "sha256:<lower-case hex>" (upper-case hex digits are accepted).
std::string normalize_pin(const std::string& value);

// The public-key hashes of every certificate in `ca_pem` and whether any is pinned. `origin`
// names the bundle in errors.
struct PinCheck {
  bool matched = false;
  std::vector<std::string> seen;  // "sha256:…" of each CA certificate, in bundle order
};
PinCheck check_pins(const std::vector<std::string>& pins, const std::string& ca_pem,
                    const std::string& origin);

}  // namespace kadm::discovery
