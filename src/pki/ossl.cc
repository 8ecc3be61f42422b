#include "pki/ossl.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include <mutex>

namespace kadm::pki::ossl {

void init() {
  static std::once_flag once;
  std::call_once(once, [] {
    // No atexit clean-up: kadm is a short-lived process, and OpenSSL's clean-up, run from exit(),
    // frees its locks while a key pool worker may still be making a key (kadm ending on an error
    // mid-way); the worker then waits forever on a freed lock and the process never exits.
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_ATEXIT,
                        nullptr);
    // Random numbers from Hash_DRBG with SHA-256 rather than the default CTR_DRBG with AES-256:
    // both are NIST SP 800-90A generators seeded from the kernel, but fetching one cipher makes
    // OpenSSL build every cipher of its default provider, 140 KiB of heap `certs all` never needs
    // otherwise. (kubeadm reads getrandom through Go's crypto/rand, with no DRBG at all.)
    if (RAND_set_DRBG_type(nullptr, "HASH-DRBG", nullptr, nullptr, "SHA256") != 1) ERR_clear_error();
  });
}

std::string last_error() {
  if (ERR_peek_error() != 0) OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, nullptr);
  unsigned long code = ERR_get_error();
  std::string out;
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out = buf;
  }
  ERR_clear_error();
  return out;
}

BioPtr read_bio(const std::string& data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

BioPtr write_bio() {
  return BioPtr(BIO_new(BIO_s_mem()));
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

}  // namespace kadm::pki::ossl
