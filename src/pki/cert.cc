#include "pki/cert.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <strings.h>

#include <cstring>
#include <ctime>

#include "pki/ossl.h"
#include "util/error.h"

namespace kadm::pki {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw Error(fmt::format("{}: {}", what, ossl::last_error()));
}

// Go's asn1 writes a string as PrintableString when every byte is printable, else UTF8String.
int go_string_type(const std::string& s) {
  for (unsigned char b : s) {
    bool printable = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                     (b >= '\'' && b <= ')') || (b >= '+' && b <= '/') || b == ' ' || b == ':' ||
                     b == '=' || b == '?';
    if (!printable) return MBSTRING_UTF8;
  }
  return V_ASN1_PRINTABLESTRING;
}

void add_name_entry(X509_NAME* name, int nid, const std::string& value, int set) {
  if (X509_NAME_add_entry_by_NID(name, nid, go_string_type(value),
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, set) != 1)
    fail("cannot build a certificate subject");
}

// Go's pkix.Name order: O (all organizations in one RDN), then CN.
ossl::NamePtr make_name(const CertSpec& spec) {
  ossl::NamePtr name(X509_NAME_new());
  for (size_t i = 0; i < spec.organizations.size(); ++i)
    add_name_entry(name.get(), NID_organizationName, spec.organizations[i], i == 0 ? 0 : -1);
  if (!spec.common_name.empty()) add_name_entry(name.get(), NID_commonName, spec.common_name, 0);
  return name;
}

void add_ext_conf(X509* x, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  ossl::ExtPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(x, ext.get(), -1) != 1) fail("cannot add a certificate extension");
}

std::string digest(const EVP_MD* md, const unsigned char* data, size_t len) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data, len, out, &n, md, nullptr) != 1) fail("cannot hash");
  return std::string(reinterpret_cast<char*>(out), n);
}

void add_san(X509* x, const CertSpec& spec) {
  if (spec.dns_names.empty() && spec.ips.empty()) return;
  ossl::GeneralNamesPtr names(GENERAL_NAMES_new());
  for (const auto& d : spec.dns_names) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    ASN1_IA5STRING* s = ASN1_IA5STRING_new();
    ASN1_STRING_set(s, d.data(), static_cast<int>(d.size()));
    GENERAL_NAME_set0_value(gn, GEN_DNS, s);
    sk_GENERAL_NAME_push(names.get(), gn);
  }
  for (const auto& ip : spec.ips) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    ASN1_OCTET_STRING* s = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(s, ip.bytes.data(), ip.v6 ? 16 : 4);
    GENERAL_NAME_set0_value(gn, GEN_IPADD, s);
    sk_GENERAL_NAME_push(names.get(), gn);
  }
  if (X509_add1_ext_i2d(x, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    fail("cannot add the subject alternative names");
}

const EVP_MD* digest_for(const Key& signer) {
  // Go picks SHA-384 for P-384 keys and SHA-256 for everything kubeadm makes otherwise.
  if (signer.is_ec() && signer.bits() > 256) return EVP_sha384();
  return EVP_sha256();
}

TimePoint from_asn1(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return TimePoint{};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// Builds the certificate body in the extension order of Go's x509.CreateCertificate.
ossl::X509Ptr build(const CertSpec& spec, const Key& subject_key, X509* issuer,
                    const std::string& authority_key_id) {
  ossl::X509Ptr x(X509_new());
  if (!x) fail("cannot create a certificate");
  X509_set_version(x.get(), 2);
  ossl::BNPtr bn(BN_new());
  BN_set_word(bn.get(), spec.serial ? *spec.serial : random_serial());
  ossl::Asn1IntPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  X509_set_serialNumber(x.get(), serial.get());
  auto subject = make_name(spec);
  X509_set_subject_name(x.get(), subject.get());
  X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : subject.get());
  auto secs = [](TimePoint t) { return std::chrono::system_clock::to_time_t(t); };
  if (!ASN1_TIME_set(X509_getm_notBefore(x.get()), secs(spec.not_before)) ||
      !ASN1_TIME_set(X509_getm_notAfter(x.get()), secs(spec.not_after)))
    fail("cannot set the certificate validity");
  if (X509_set_pubkey(x.get(), subject_key.get()) != 1) fail("cannot set the certificate key");

  std::string ku = "critical,digitalSignature,keyEncipherment";
  if (spec.is_ca) ku += ",keyCertSign";
  add_ext_conf(x.get(), issuer, NID_key_usage, ku);
  if (!spec.usages.empty()) {
    std::string eku;
    for (auto u : spec.usages)
      eku += std::string(eku.empty() ? "" : ",") +
             (u == ExtUsage::kServerAuth ? "serverAuth" : "clientAuth");
    add_ext_conf(x.get(), issuer, NID_ext_key_usage, eku);
  }
  if (spec.is_ca || spec.basic_constraints)
    add_ext_conf(x.get(), issuer, NID_basic_constraints,
                 spec.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (spec.is_ca) {
    // RFC 5280 §4.2.1.2 method 1 (SHA-1 of the subjectPublicKey bits); Go 1.25 switched to the
    // first 160 bits of SHA-256 (RFC 7093).
    const ASN1_BIT_STRING* bits = X509_get0_pubkey_bitstr(x.get());
    std::string h = digest(spec.skid == SkidHash::kSha1 ? EVP_sha1() : EVP_sha256(), bits->data,
                           static_cast<size_t>(bits->length));
    h.resize(20);
    ossl::Asn1OctetPtr oct(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(oct.get(), reinterpret_cast<const unsigned char*>(h.data()), 20);
    if (X509_add1_ext_i2d(x.get(), NID_subject_key_identifier, oct.get(), 0, X509V3_ADD_DEFAULT) !=
        1)
      fail("cannot add the subject key identifier");
  }
  if (!authority_key_id.empty()) {
    AUTHORITY_KEYID* akid = AUTHORITY_KEYID_new();
    akid->keyid = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(akid->keyid,
                          reinterpret_cast<const unsigned char*>(authority_key_id.data()),
                          static_cast<int>(authority_key_id.size()));
    int rc = X509_add1_ext_i2d(x.get(), NID_authority_key_identifier, akid, 0, X509V3_ADD_DEFAULT);
    AUTHORITY_KEYID_free(akid);
    if (rc != 1) fail("cannot add the authority key identifier");
  }
  add_san(x.get(), spec);
  return x;
}

std::string name_entry(const X509_NAME* name, int nid) {
  int idx = X509_NAME_get_index_by_NID(name, nid, -1);
  if (idx < 0) return "";
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

}  // namespace

uint64_t random_serial() {
  ossl::init();
  uint64_t v = 0;
  do {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1)
      fail("cannot draw a random serial number");
    v &= 0x7fffffffffffffffULL;
  } while (v == 0 || v == 0x7fffffffffffffffULL);
  return v;
}

TimePoint now_seconds() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

Certificate::Certificate(X509* owned) : cert_(owned, X509_free) {}

std::string Certificate::pem() const {
  auto bio = ossl::write_bio();
  if (PEM_write_bio_X509(bio.get(), cert_.get()) != 1) fail("cannot encode a certificate");
  return ossl::bio_contents(bio.get());
}

std::string Certificate::common_name() const {
  return name_entry(X509_get_subject_name(cert_.get()), NID_commonName);
}
std::string Certificate::issuer_common_name() const {
  return name_entry(X509_get_issuer_name(cert_.get()), NID_commonName);
}

std::vector<std::string> Certificate::organizations() const {
  std::vector<std::string> out;
  const X509_NAME* name = X509_get_subject_name(cert_.get());
  for (int i = X509_NAME_get_index_by_NID(name, NID_organizationName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(name, NID_organizationName, i)) {
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
  }
  return out;
}

std::vector<std::string> Certificate::dns_names() const {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert_.get(), NID_subject_alt_name, nullptr, nullptr));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type != GEN_DNS) continue;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.dNSName)),
                     static_cast<size_t>(ASN1_STRING_length(gn->d.dNSName)));
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::vector<std::string> Certificate::ip_addresses() const {
  std::vector<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert_.get(), NID_subject_alt_name, nullptr, nullptr));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type != GEN_IPADD) continue;
    const unsigned char* d = ASN1_STRING_get0_data(gn->d.iPAddress);
    int len = ASN1_STRING_length(gn->d.iPAddress);
    net::IP ip;
    if (len == 4) {
      std::memcpy(ip.bytes.data(), d, 4);
    } else if (len == 16) {
      static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
      if (std::memcmp(d, mapped, 12) == 0) {
        std::memcpy(ip.bytes.data(), d + 12, 4);
      } else {
        ip.v6 = true;
        std::memcpy(ip.bytes.data(), d, 16);
      }
    } else {
      continue;
    }
    out.push_back(ip.str());
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::vector<ExtUsage> Certificate::ext_usages() const {
  std::vector<ExtUsage> out;
  auto* eku = static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert_.get(), NID_ext_key_usage, nullptr, nullptr));
  if (!eku) return out;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
    int nid = OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i));
    if (nid == NID_server_auth) out.push_back(ExtUsage::kServerAuth);
    if (nid == NID_client_auth) out.push_back(ExtUsage::kClientAuth);
  }
  EXTENDED_KEY_USAGE_free(eku);
  return out;
}

bool Certificate::is_ca() const {
  auto* bc = static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(cert_.get(), NID_basic_constraints, nullptr, nullptr));
  if (!bc) return false;
  bool ca = bc->ca != 0;
  BASIC_CONSTRAINTS_free(bc);
  return ca;
}

bool Certificate::has_key_usage_cert_sign() const {
  uint32_t ku = X509_get_key_usage(cert_.get());
  return ku == UINT32_MAX || (ku & KU_KEY_CERT_SIGN) != 0;
}

TimePoint Certificate::not_before() const {
  return from_asn1(X509_get0_notBefore(cert_.get()));
}
TimePoint Certificate::not_after() const {
  return from_asn1(X509_get0_notAfter(cert_.get()));
}

Key Certificate::public_key() const {
  EVP_PKEY* k = X509_get_pubkey(cert_.get());
  return k ? Key(k) : Key();
}

std::string Certificate::subject_key_id() const {
  const ASN1_OCTET_STRING* s = X509_get0_subject_key_id(cert_.get());
  return s ? std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         static_cast<size_t>(ASN1_STRING_length(s)))
           : "";
}

std::string Certificate::authority_key_id() const {
  const ASN1_OCTET_STRING* s = X509_get0_authority_key_id(cert_.get());
  return s ? std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                         static_cast<size_t>(ASN1_STRING_length(s)))
           : "";
}

bool Certificate::signed_by(const Certificate& ca) const {
  if (!ca.is_ca() || !ca.has_key_usage_cert_sign()) return false;
  Key pub = ca.public_key();
  bool ok = pub && X509_verify(cert_.get(), pub.get()) == 1;
  ossl::last_error();
  return ok;
}

bool Certificate::valid_for(const std::string& name) const {
  if (auto ip = net::parse_ip(name)) {
    for (const auto& have : ip_addresses())
      if (auto h = net::parse_ip(have); h && *h == *ip) return true;
    return false;
  }
  for (const auto& have : dns_names()) {
    if (strcasecmp(have.c_str(), name.c_str()) == 0) return true;
    // Go's wildcard rule: "*.example.com" matches exactly one leftmost label.
    if (have.size() > 2 && have.compare(0, 2, "*.") == 0) {
      auto dot = name.find('.');
      if (dot != std::string::npos && dot > 0 &&
          strcasecmp(have.c_str() + 1, name.c_str() + dot) == 0)
        return true;
    }
  }
  return false;
}

Certificate create_self_signed_ca(const CertSpec& spec, const Key& key) {
  auto x = build(spec, key, nullptr, "");
  if (X509_sign(x.get(), key.get(), digest_for(key)) <= 0) fail("cannot sign the CA certificate");
  return Certificate(x.release());
}

Certificate create_signed(const CertSpec& spec, const Key& subject_key, const Certificate& ca,
                          const Key& ca_key) {
  auto x = build(spec, subject_key, ca.get(), ca.subject_key_id());
  if (X509_sign(x.get(), ca_key.get(), digest_for(ca_key)) <= 0)
    fail("cannot sign the certificate");
  return Certificate(x.release());
}

std::vector<Certificate> parse_certificates(const std::string& pem, const std::string& file) {
  ossl::init();
  std::vector<Certificate> out;
  auto bio = ossl::read_bio(pem);
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
  std::string reason = ossl::last_error();
  if (out.empty()) {
    bool has_block = pem.find("-----BEGIN CERTIFICATE-----") != std::string::npos;
    throw Error(SourceLocation{file, "", "", 0, 0},
                has_block ? fmt::format("cannot parse the certificate ({})", reason)
                          : "no PEM \"CERTIFICATE\" block found",
                "replace the file with a PEM-encoded certificate, or remove it together with its "
                "key to let kadm generate a new one",
                kExitFailure);
  }
  return out;
}

Certificate parse_certificate(const std::string& pem, const std::string& file) {
  return parse_certificates(pem, file).front();
}

std::string spki_hash(const Certificate& cert) {
  std::string der = cert.public_key().spki_der();
  std::string h =
      digest(EVP_sha256(), reinterpret_cast<const unsigned char*>(der.data()), der.size());
  std::string out = "sha256:";
  for (unsigned char c : h) out += fmt::format("{:02x}", c);
  return out;
}

std::string create_csr_pem(const CertSpec& spec, const Key& key) {
  ossl::ReqPtr req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  auto name = make_name(spec);
  X509_REQ_set_subject_name(req.get(), name.get());
  X509_REQ_set_pubkey(req.get(), key.get());
  if (!spec.dns_names.empty() || !spec.ips.empty()) {
    // A throwaway certificate collects the SAN extension in the same encoding as certificates.
    ossl::X509Ptr tmp(X509_new());
    add_san(tmp.get(), spec);
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    sk_X509_EXTENSION_push(exts, X509_get_ext(tmp.get(), 0));
    int rc = X509_REQ_add_extensions(req.get(), exts);
    sk_X509_EXTENSION_free(exts);
    if (rc != 1) fail("cannot add the SAN request extension");
  }
  if (X509_REQ_sign(req.get(), key.get(), digest_for(key)) <= 0)
    fail("cannot sign the certificate request");
  auto bio = ossl::write_bio();
  if (PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1)
    fail("cannot encode the certificate request");
  return ossl::bio_contents(bio.get());
}

}  // namespace kadm::pki
