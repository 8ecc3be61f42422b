// libFuzzer target: the parsers of operator-typed strings: bootstrap tokens, CA cert hashes,
// durations, versions, CIDRs, host:port.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/bootstrap_token.h"
#include "api/validate.h"
#include "util/duration.h"
#include "util/error.h"
#include "util/net.h"
#include "versions/table.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  std::string why;
  auto t = kadm::api::parse_token(s, &why);
  if (t && (t->id.size() != 6 || t->secret.size() != 16)) __builtin_trap();
  (void)kadm::api::check_ca_cert_hash(s);
  (void)kadm::api::check_certificate_key(s);
  (void)kadm::api::check_cert_san(s);
  if (auto d = kadm::parse_duration(s)) (void)kadm::format_duration(*d);
  (void)kadm::net::parse_cidr(s);
  std::string host;
  int port = 0;
  (void)kadm::net::split_host_port(s, &host, &port);
  try {
    (void)kadm::versions::resolve_version(s);
  } catch (const kadm::Error&) {
  }
  return 0;
}
