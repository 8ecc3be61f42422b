#include "discovery/cluster_info.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "discovery/jws.h"
#include "pki/cert.h"

namespace kadm::discovery {
namespace {

std::string describe_char(char c) {
  switch (c) {
    case ' ':
      return "a space";
    case '\t':
      return "a tab";
    case '\n':
    case '\r':
      return "a line break";
    default:
      break;
  }
  auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u >= 0x7f) return fmt::format("the byte 0x{:02x}", u);
  return fmt::format("'{}'", c);
}

}  // namespace

SignatureCheck check_signature(const nlohmann::json& cm, const api::TokenParts& token) {
  SignatureCheck out;
  const auto data =
      cm.is_object() ? cm.value("data", nlohmann::json::object()) : nlohmann::json::object();
  if (!data.is_object()) {
    out.state = Signature::kNoKubeconfig;
    return out;
  }
  std::string own_key = std::string(kJWSKeyPrefix) + token.id;
  std::string signature;
  for (const auto& [key, value] : data.items()) {
    if (key.rfind(kJWSKeyPrefix, 0) != 0 || !value.is_string()) continue;
    if (key == own_key)
      signature = value.get<std::string>();
    else
      ++out.other_signatures;
  }
  if (data.contains(kKubeconfigKey) && data[kKubeconfigKey].is_string())
    out.kubeconfig = data[kKubeconfigKey].get<std::string>();
  if (signature.empty()) {
    out.state = Signature::kMissing;
  } else if (out.kubeconfig.empty()) {
    out.state = Signature::kNoKubeconfig;
  } else {
    out.state = detached_jws_valid(signature, out.kubeconfig, token.id, token.secret)
                    ? Signature::kValid
                    : Signature::kInvalid;
  }
  return out;
}

std::string check_pin(const std::string& value) {
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (std::isspace(c) || c < 0x20 || c >= 0x7f) {
      return fmt::format(
          "\"{}\": character {} is {}; a CA hash is \"sha256:\" followed by 64 hex digits and "
          "nothing else",
          value, i + 1, describe_char(value[i]));
    }
  }
  auto colon = value.find(':');
  if (colon == std::string::npos)
    return fmt::format("\"{}\": unknown hash format, expected \"sha256:<64 hex digits>\"", value);
  std::string type = value.substr(0, colon);
  if (type != "sha256")
    return fmt::format("\"{}\": unknown hash type \"{}\", expected \"sha256:<64 hex digits>\"",
                       value, type);
  std::string hex = value.substr(colon + 1);
  for (size_t i = 0; i < hex.size(); ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(hex[i])))
      return fmt::format("\"{}\": character {} is {}, not a hex digit", value, colon + 2 + i,
                         describe_char(hex[i]));
  }
  if (hex.size() != 64)
    return fmt::format("\"{}\": expected a 32 byte SHA-256 hash, found {} hex digits", value,
                       hex.size());
  return "";
}

std::string normalize_pin(const std::string& value) {
  std::string out = value;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

PinCheck check_pins(const std::vector<std::string>& pins, const std::string& ca_pem,
                    const std::string& origin) {
  PinCheck out;
  for (const auto& cert : pki::parse_certificates(ca_pem, origin)) {
    std::string h = pki::spki_hash(cert);
    out.seen.push_back(h);
    for (const auto& p : pins)
      if (normalize_pin(p) == h) out.matched = true;
  }
  return out;
}

}  // namespace kadm::discovery
