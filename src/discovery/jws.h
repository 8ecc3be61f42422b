// The detached JWS that signs the cluster-info kubeconfig (reference §6.2): HS256 keyed with the
// bootstrap token's secret, protected header {"alg":"HS256","kid":"<token id>"}, payload removed
// from the compact form ("<header>..<signature>"). The KCM bootstrap signer writes one per
// signing token as jws-kubeconfig-<token id>; join recomputes it to trust what it fetched.
#pragma once

#include <string>

namespace kadm::discovery {

// "<b64url(header)>..<b64url(HMAC-SHA256(secret, b64url(header) + "." + b64url(content)))>".
std::string detached_jws(const std::string& content, const std::string& token_id,
                         const std::string& token_secret);

// True when `detached` is the signature of `content` under this token. The whole string is
// compared in constant time, as the signer's output is deterministic.
bool detached_jws_valid(const std::string& detached, const std::string& content,
                        const std::string& token_id, const std::string& token_secret);

}  // namespace kadm::discovery
