// X.509 certificates as kubeadm makes them (Go's crypto/x509 through kubeadm's pkiutil): the
// subject, SANs, usages, validity and key identifiers, plus parsing and inspection of existing
// certificates for reuse checks, `certs check-expiration` and the comparison tests.
#pragma once

#include <openssl/x509.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pki/key.h"
#include "util/net.h"

namespace kadm::pki {

using TimePoint = std::chrono::system_clock::time_point;

enum class ExtUsage { kServerAuth, kClientAuth };

// How the subject key identifier of a CA is computed (Go's x509 fills it in for CAs).
enum class SkidHash { kSha1, kSha256Truncated };

// What to put into a certificate.
struct CertSpec {
  std::string common_name;
  std::vector<std::string> organizations;
  std::vector<std::string> dns_names;  // in the order they are written
  std::vector<net::IP> ips;
  std::vector<ExtUsage> usages;
  bool is_ca = false;
  // Leaf certificates carry "CA:FALSE" basic constraints from kubeadm v1.21 on.
  bool basic_constraints = true;
  std::optional<uint64_t> serial;  // random 63-bit serial when unset
  TimePoint not_before;
  TimePoint not_after;
  SkidHash skid = SkidHash::kSha1;
};

class Certificate {
 public:
  Certificate() = default;
  explicit Certificate(X509* owned);  // takes ownership

  X509* get() const { return cert_.get(); }
  explicit operator bool() const { return cert_ != nullptr; }

  std::string pem() const;
  std::string common_name() const;
  std::vector<std::string> organizations() const;
  std::string issuer_common_name() const;
  std::vector<std::string> dns_names() const;
  std::vector<std::string> ip_addresses() const;  // textual, as Go prints net.IP
  std::vector<ExtUsage> ext_usages() const;
  bool is_ca() const;  // basic constraints CA:TRUE
  bool has_key_usage_cert_sign() const;
  TimePoint not_before() const;
  TimePoint not_after() const;
  Key public_key() const;
  std::string subject_key_id() const;    // raw bytes, "" if absent
  std::string authority_key_id() const;  // raw bytes, "" if absent

  // True if `ca` is a CA and its key signed this certificate (Go's CheckSignatureFrom).
  bool signed_by(const Certificate& ca) const;
  // True if the certificate is valid for `name` (a DNS name, with wildcard matching, or an IP).
  bool valid_for(const std::string& name) const;

 private:
  std::shared_ptr<X509> cert_;
};

// A self-signed CA certificate for `key`.
Certificate create_self_signed_ca(const CertSpec& spec, const Key& key);
// A certificate for `subject_key` signed by `ca` with `ca_key`.
Certificate create_signed(const CertSpec& spec, const Key& subject_key, const Certificate& ca,
                          const Key& ca_key);

// Parses the first certificate of a PEM file; `file` names the source in errors.
Certificate parse_certificate(const std::string& pem, const std::string& file);
// All certificates of a PEM bundle (at least one).
std::vector<Certificate> parse_certificates(const std::string& pem, const std::string& file);

// "sha256:<hex>" over the DER SubjectPublicKeyInfo: the value of join's
// --discovery-token-ca-cert-hash.
std::string spki_hash(const Certificate& cert);

// A PEM "CERTIFICATE REQUEST" for the spec's subject and SANs, signed with `key`.
std::string create_csr_pem(const CertSpec& spec, const Key& key);

// Random serial in [1, 2^63-1], as kubeadm draws it.
uint64_t random_serial();

// Seconds-precision current time (certificates carry whole seconds).
TimePoint now_seconds();

}  // namespace kadm::pki
