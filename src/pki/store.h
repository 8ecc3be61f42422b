// Certificates and keys on disk: reading them with errors that name the file, writing them
// atomically (keys 0600), and the reuse rules of `init phase certs`: an existing file is used
// when it matches what kubeadm would have made (a CA that is a CA, a leaf signed by its CA with
// the expected SANs, a key that belongs to its certificate); anything else is an error naming
// the file and the mismatch, and nothing is overwritten.
#pragma once

#include <optional>
#include <string>

#include "pki/cert.h"
#include "pki/certlist.h"
#include "pki/key.h"
#include "pki/keypool.h"

namespace kadm::pki {

std::string cert_path(const std::string& dir, const std::string& base);  // <dir>/<base>.crt
std::string key_path(const std::string& dir, const std::string& base);   // <dir>/<base>.key
std::string pub_path(const std::string& dir, const std::string& base);   // <dir>/<base>.pub
std::string csr_path(const std::string& dir, const std::string& base);   // <dir>/<base>.csr

// nullopt when the file does not exist; kadm::Error naming the file when it cannot be read or
// parsed.
std::optional<Certificate> read_cert(const std::string& path);
std::optional<Key> read_key(const std::string& path);
std::optional<Key> read_public_key(const std::string& path);

// Writes <base>.key (0600) and <base>.crt (0644), each atomically; if the certificate cannot be
// written, the new key is removed again.
void write_cert_and_key(const std::string& dir, const std::string& base, const Certificate& cert,
                        const Key& key);
void write_cert(const std::string& dir, const std::string& base, const Certificate& cert);
// Writes <base>.key and <base>.pub, both 0600 as upstream writes sa.key / sa.pub.
void write_key_pair(const std::string& dir, const std::string& base, const Key& key);

enum class Outcome { kGenerated, kReused };

struct CA {
  Certificate cert;
  std::optional<Key> key;  // absent in external CA mode (ca.crt without ca.key)
  Outcome outcome = Outcome::kReused;
};

// Loads the CA `def` from `dir`, or creates it when neither file exists.
CA ensure_ca(const CertDef& def, const PkiInputs& in, const std::string& dir, KeyPool& pool);
// Loads an existing CA (for leaves signed later); throws naming the file when it is missing.
CA load_ca(const CertDef& def, const std::string& dir);

struct Leaf {
  Certificate cert;
  Outcome outcome = Outcome::kReused;
};

// Loads and checks the leaf `def` or creates it with `ca`. With a keyless CA the leaf must exist.
Leaf ensure_leaf(const CertDef& def, const PkiInputs& in, const std::string& dir, const CA& ca,
                 KeyPool& pool);

// Checks an existing certificate against `spec` and its CA. Throws naming the file.
void check_leaf(const std::string& crt_file, const Certificate& cert, const CertSpec& spec,
                const CA& ca, const std::string& ca_file);

// sa.key / sa.pub: reused when the pair matches, generated when neither exists.
Outcome ensure_service_account_key(const PkiInputs& in, const std::string& dir, KeyPool& pool);

// Name of the key-pool entry for a certificate ("certs/<name>").
std::string pool_name(const CertDef& def);

}  // namespace kadm::pki
