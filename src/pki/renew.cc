#include "pki/renew.h"

#include <fmt/format.h>

#include "host/fs.h"
#include "util/error.h"

namespace kadm::pki {

CertSpec renewal_spec(const Certificate& existing, const PkiInputs& in, const Certificate& ca) {
  CertSpec s = client_spec(existing.common_name(), existing.organizations(), in, ca);
  s.usages = existing.ext_usages();
  s.dns_names = existing.dns_names();
  for (const auto& ip : existing.ip_addresses()) s.ips.push_back(*net::parse_ip(ip));
  return s;
}

void renew_cert(const CertDef& def, const PkiInputs& in, const std::string& dir,
                bool keep_key_algorithm) {
  std::string crt = cert_path(dir, def.base_name);
  auto existing = read_cert(crt);
  if (!existing)
    throw Error(SourceLocation{crt, "", "", 0, 0},
                "the certificate does not exist, so it cannot be renewed",
                fmt::format("create it with 'kadm init phase certs {}'", def.name), kExitFailure);
  CA ca = load_ca(ca_of(def), dir);
  if (!ca.key)
    throw Error(
        SourceLocation{key_path(dir, ca_of(def).base_name), "", "", 0, 0},
        "the CA key is missing (external CA mode): kadm cannot renew certificates signed by it",
        "renew with your external CA, or generate CSRs with 'kadm certs renew --csr-only'",
        kExitFailure);
  if (!existing->signed_by(ca.cert))
    throw Error(SourceLocation{crt, "", "", 0, 0},
                fmt::format("the certificate is not signed by the CA in {}",
                            cert_path(dir, ca_of(def).base_name)),
                "renewal keeps the CA: fix or remove the certificate first", kExitFailure);
  auto old_key = read_key(key_path(dir, def.base_name));
  KeyAlgorithm algo =
      keep_key_algorithm && old_key && old_key->algorithm() ? *old_key->algorithm() : in.algorithm;
  Key key = generate_key(algo);
  Certificate cert = create_signed(renewal_spec(*existing, in, ca.cert), key, ca.cert, *ca.key);
  write_cert_and_key(dir, def.base_name, cert, key);
}

std::string short_human_duration(std::chrono::seconds d) {
  long long s = d.count();
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 60) return fmt::format("{}s", s);
  if (s / 60 < 60) return fmt::format("{}m", s / 60);
  long long hours = s / 3600;
  if (hours < 24) return fmt::format("{}h", hours);
  if (hours < 24 * 365) return fmt::format("{}d", hours / 24);
  return fmt::format("{}y", hours / 24 / 365);
}

}  // namespace kadm::pki
