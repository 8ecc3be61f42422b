// Hashes and encodings on OpenSSL's libcrypto.
#pragma once

#include <string>

namespace kadm {

std::string sha256(const std::string& data);  // raw 32 bytes
std::string hex(const std::string& bytes);    // lower-case
std::string hmac_sha256(const std::string& key, const std::string& data);  // raw 32 bytes
std::string base64url_nopad(const std::string& data);

}  // namespace kadm
