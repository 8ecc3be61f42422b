#include "discovery/jws.h"

#include <openssl/crypto.h>

#include "util/digest.h"

namespace kadm::discovery {

std::string detached_jws(const std::string& content, const std::string& token_id,
                         const std::string& token_secret) {
  // The token id is [a-z0-9]{6}: no JSON escaping is ever needed.
  std::string header = base64url_nopad(R"({"alg":"HS256","kid":")" + token_id + R"("})");
  std::string signing_input = header + "." + base64url_nopad(content);
  return header + ".." + base64url_nopad(hmac_sha256(token_secret, signing_input));
}

bool detached_jws_valid(const std::string& detached, const std::string& content,
                        const std::string& token_id, const std::string& token_secret) {
  std::string want = detached_jws(content, token_id, token_secret);
  return want.size() == detached.size() &&
         CRYPTO_memcmp(want.data(), detached.data(), want.size()) == 0;
}

}  // namespace kadm::discovery
