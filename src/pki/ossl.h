// RAII ownership for the OpenSSL 3 objects kadm uses, and error text from OpenSSL's error queue.
// Only EVP-level and X509 APIs are used: no deprecated RSA_* / EC_KEY_* calls.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace kadm::pki::ossl {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    if (p) Free(p);
  }
};

using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PKeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MDCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using ReqPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;
using NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BNPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using Asn1IntPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using Asn1OctetPtr = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;

// Initializes libcrypto once, the way kadm wants it: without reading openssl.cnf (kubeadm's Go
// crypto reads no system configuration either, so results do not depend on it) and without
// loading the error-string tables up front (about 0.6 MB of resident memory), which last_error()
// loads only when there is an error to describe; and without OpenSSL's atexit clean-up (see
// ossl.cc). Every pki entry point calls it first, and so does kadm-cluster.so before it builds a
// command (cli/cluster_commands.cc).
void init();

// The oldest entry of OpenSSL's error queue as text ("" if empty); clears the queue.
std::string last_error();

// A read-only memory BIO over `data` (which must outlive it).
BioPtr read_bio(const std::string& data);
// A growable memory BIO, and its contents.
BioPtr write_bio();
std::string bio_contents(BIO* bio);

}  // namespace kadm::pki::ossl
