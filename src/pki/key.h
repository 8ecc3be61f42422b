// Private and public keys: generation for kubeadm's encryption algorithms (v1beta4
// `encryptionAlgorithm`), and the PEM forms upstream writes (client-go keyutil): RSA keys as
// PKCS#1 "RSA PRIVATE KEY", EC keys as SEC1 "EC PRIVATE KEY", public keys as PKIX "PUBLIC KEY".
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kadm::pki {

enum class KeyAlgorithm { kRSA2048, kRSA3072, kRSA4096, kECDSAP256, kECDSAP384 };

// "RSA-2048", "RSA-3072", "RSA-4096", "ECDSA-P256", "ECDSA-P384" (the v1beta4 names).
std::optional<KeyAlgorithm> parse_algorithm(std::string_view name);
std::string algorithm_name(KeyAlgorithm a);

// A private or public key (shared, immutable once made; safe to use from several threads).
class Key {
 public:
  Key() = default;
  explicit Key(EVP_PKEY* owned);  // takes ownership

  EVP_PKEY* get() const { return key_.get(); }
  explicit operator bool() const { return key_ != nullptr; }

  bool is_rsa() const;
  bool is_ec() const;
  int bits() const;
  // "RSA-2048", "ECDSA-P256", … ("" for other key types).
  std::string describe() const;
  // The algorithm of this key, if it is one kubeadm makes.
  std::optional<KeyAlgorithm> algorithm() const;

  std::string private_pem() const;  // PKCS#1 / SEC1, as upstream writes keys
  std::string public_pem() const;   // PKIX "PUBLIC KEY"
  std::string spki_der() const;     // DER SubjectPublicKeyInfo
  // True when both keys hold the same public key (a private key matches its certificate).
  bool same_public_key(const Key& other) const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
};

// Generates a new key. Throws kadm::Error if OpenSSL fails.
Key generate_key(KeyAlgorithm a);

// Parses a PEM private key (PKCS#1, SEC1 or PKCS#8). `file` names the source in errors.
Key parse_private_key(const std::string& pem, const std::string& file);
// Parses a PEM public key ("PUBLIC KEY", or "RSA PUBLIC KEY").
Key parse_public_key(const std::string& pem, const std::string& file);

}  // namespace kadm::pki
