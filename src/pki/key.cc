#include "pki/key.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <vector>

#include "pki/ossl.h"
#include "util/error.h"

namespace kadm::pki {
namespace {

[[noreturn]] void fail_in(const std::string& file, const std::string& what,
                          const std::string& hint) {
  std::string reason = ossl::last_error();
  throw Error(SourceLocation{file, "", "", 0, 0},
              reason.empty() ? what : fmt::format("{} ({})", what, reason), hint, kExitFailure);
}

using BNCtx = std::unique_ptr<BN_CTX, ossl::Deleter<BN_CTX_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, ossl::Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, ossl::Deleter<OSSL_PARAM_free>>;

[[noreturn]] void rsa_fail(const char* step) {
  throw Error(fmt::format("cannot generate an RSA key ({}): {}", step, ossl::last_error()));
}

ossl::BNPtr secret_bn() {
  ossl::BNPtr b(BN_secure_new());
  if (!b) rsa_fail("allocation");
  BN_set_flags(b.get(), BN_FLG_CONSTTIME);
  return b;
}

// Small odd primes for the sieve (3 … 17863: the first 2048 odd primes).
const std::vector<BN_ULONG>& small_primes() {
  static const std::vector<BN_ULONG> primes = [] {
    std::vector<BN_ULONG> out;
    std::vector<bool> composite(17864, false);
    for (size_t i = 3; i < composite.size() && out.size() < 2048; i += 2) {
      if (composite[i]) continue;
      out.push_back(i);
      for (size_t j = i * i; j < composite.size(); j += 2 * i) composite[j] = true;
    }
    return out;
  }();
  return primes;
}

// Miller-Rabin with `rounds` random bases in [2, n-2] (n odd, > 3).
bool miller_rabin(const BIGNUM* n, int rounds, BN_CTX* ctx) {
  using Mont = std::unique_ptr<BN_MONT_CTX, ossl::Deleter<BN_MONT_CTX_free>>;
  BN_CTX_start(ctx);
  BIGNUM* n1 = BN_CTX_get(ctx);  // n - 1
  BIGNUM* d = BN_CTX_get(ctx);
  BIGNUM* range = BN_CTX_get(ctx);
  BIGNUM* a = BN_CTX_get(ctx);
  BIGNUM* y = BN_CTX_get(ctx);
  Mont mont(BN_MONT_CTX_new());
  bool ok = y && mont && BN_copy(n1, n) && BN_sub_word(n1, 1) && BN_copy(range, n1) &&
            BN_sub_word(range, 3) && BN_MONT_CTX_set(mont.get(), n, ctx);
  if (!ok) {
    BN_CTX_end(ctx);
    rsa_fail("primality test");
  }
  int s = 0;
  while (!BN_is_bit_set(n1, s)) ++s;
  BN_rshift(d, n1, s);
  bool prime = true;
  for (int r = 0; r < rounds && prime; ++r) {
    if (!BN_priv_rand_range_ex(a, range, 0, ctx) || !BN_add_word(a, 2) ||
        !BN_mod_exp_mont(y, a, d, n, ctx, mont.get())) {
      BN_CTX_end(ctx);
      rsa_fail("primality test");
    }
    if (BN_is_one(y) || BN_cmp(y, n1) == 0) continue;
    bool witness = true;
    for (int i = 1; i < s && witness; ++i) {
      if (!BN_mod_sqr(y, y, n, ctx)) {
        BN_CTX_end(ctx);
        rsa_fail("primality test");
      }
      if (BN_cmp(y, n1) == 0)
        witness = false;
      else if (BN_is_one(y))
        break;
    }
    if (witness) prime = false;
  }
  BN_CTX_end(ctx);
  return prime;
}

// A random prime of exactly `bits` bits with the top two bits set and gcd(p-1, 65537) = 1:
// random odd start, a sieve over the next candidates by the first 2048 odd primes (as OpenSSL's
// own probable_prime does), then 20 Miller-Rabin rounds, the count Go's crypto/rand.Prime uses for
// the keys kubeadm makes (FIPS 186-4 table C.3 asks for 4-5 for these sizes).
void random_prime(BIGNUM* p, int bits, BN_CTX* ctx) {
  const auto& primes = small_primes();
  std::vector<BN_ULONG> mods(primes.size());
  for (;;) {
    if (!BN_priv_rand_ex(p, bits, BN_RAND_TOP_TWO, BN_RAND_BOTTOM_ODD, 0, ctx)) rsa_fail("random");
    for (size_t i = 0; i < primes.size(); ++i) mods[i] = BN_mod_word(p, primes[i]);
    BN_ULONG mod_e = BN_mod_word(p, RSA_F4);
    for (BN_ULONG delta = 0; delta < (static_cast<BN_ULONG>(1) << 20); delta += 2) {
      bool sieved = (mod_e + delta) % RSA_F4 == 1;  // p - 1 divisible by e
      for (size_t i = 0; i < primes.size() && !sieved; ++i)
        sieved = (mods[i] + delta) % primes[i] == 0;
      if (sieved) continue;
      ossl::BNPtr cand(BN_dup(p));
      if (!cand || !BN_add_word(cand.get(), delta)) rsa_fail("candidate");
      if (BN_num_bits(cand.get()) != bits) break;  // ran past the top: start again
      if (!miller_rabin(cand.get(), 20, ctx)) continue;
      if (!BN_copy(p, cand.get())) rsa_fail("candidate");
      BN_set_flags(p, BN_FLG_CONSTTIME);
      return;
    }
  }
}

// RSA key generation from two primes of random_prime(). OpenSSL 3's EVP keygen takes the
// SP 800-56B route for 2-prime keys of 2048 bits and more, which costs about 300 ms of CPU per
// key here, and its BN_generate_prime_ex2 runs 64 Miller-Rabin rounds on each prime (≈ 85 ms per
// key); key generation is what `init phase certs` spends its time on. The keys have the same form
// (n = pq, e = 65537, primes of half the size with the top two bits set, |p - q| > 2^(bits/2-100))
// and are checked with OpenSSL's pairwise consistency test before use.
Key generate_rsa(int bits) {
  BNCtx ctx(BN_CTX_secure_new());
  ossl::BNPtr e(BN_new());
  if (!ctx || !e || !BN_set_word(e.get(), RSA_F4)) rsa_fail("setup");
  auto p = secret_bn(), q = secret_bn(), n = secret_bn(), d = secret_bn(), p1 = secret_bn(),
       q1 = secret_bn(), lcm = secret_bn(), gcd = secret_bn(), dp = secret_bn(), dq = secret_bn(),
       qinv = secret_bn(), diff = secret_bn();
  ossl::BNPtr one(BN_new());
  BN_one(one.get());
  int half = bits / 2;
  auto prime_with_e = [&](BIGNUM* out, BIGNUM* minus1) {
    for (;;) {
      random_prime(out, half, ctx.get());
      if (!BN_sub(minus1, out, one.get()) || !BN_gcd(gcd.get(), minus1, e.get(), ctx.get()))
        rsa_fail("gcd");
      if (BN_is_one(gcd.get())) return;
    }
  };
  for (;;) {
    prime_with_e(p.get(), p1.get());
    prime_with_e(q.get(), q1.get());
    // |p - q| > 2^(bits/2 - 100) (FIPS 186-4 B.3.3), and n of exactly `bits` bits.
    if (!BN_sub(diff.get(), p.get(), q.get())) rsa_fail("difference");
    BN_set_negative(diff.get(), 0);
    if (BN_num_bits(diff.get()) <= half - 100) continue;
    if (!BN_mul(n.get(), p.get(), q.get(), ctx.get())) rsa_fail("modulus");
    if (BN_num_bits(n.get()) == bits) break;
  }
  // d = e^-1 mod lcm(p-1, q-1); CRT exponents and coefficient.
  if (!BN_gcd(gcd.get(), p1.get(), q1.get(), ctx.get()) ||
      !BN_mul(lcm.get(), p1.get(), q1.get(), ctx.get()) ||
      !BN_div(lcm.get(), nullptr, lcm.get(), gcd.get(), ctx.get()))
    rsa_fail("lcm");
  if (!BN_mod_inverse(d.get(), e.get(), lcm.get(), ctx.get())) rsa_fail("private exponent");
  if (!BN_mod(dp.get(), d.get(), p1.get(), ctx.get()) ||
      !BN_mod(dq.get(), d.get(), q1.get(), ctx.get()) ||
      !BN_mod_inverse(qinv.get(), q.get(), p.get(), ctx.get()))
    rsa_fail("CRT parameters");

  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get()))
    rsa_fail("parameters");
  Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  ossl::PKeyCtx from(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !from || EVP_PKEY_fromdata_init(from.get()) != 1 ||
      EVP_PKEY_fromdata(from.get(), &pkey, EVP_PKEY_KEYPAIR, params.get()) != 1)
    rsa_fail("assembly");
  Key key(pkey);
  ossl::PKeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!check || EVP_PKEY_pairwise_check(check.get()) != 1) rsa_fail("pairwise check");
  return key;
}

}  // namespace

std::optional<KeyAlgorithm> parse_algorithm(std::string_view name) {
  if (name == "RSA-2048" || name.empty()) return KeyAlgorithm::kRSA2048;
  if (name == "RSA-3072") return KeyAlgorithm::kRSA3072;
  if (name == "RSA-4096") return KeyAlgorithm::kRSA4096;
  if (name == "ECDSA-P256") return KeyAlgorithm::kECDSAP256;
  if (name == "ECDSA-P384") return KeyAlgorithm::kECDSAP384;
  return std::nullopt;
}

std::string algorithm_name(KeyAlgorithm a) {
  switch (a) {
    case KeyAlgorithm::kRSA2048:
      return "RSA-2048";
    case KeyAlgorithm::kRSA3072:
      return "RSA-3072";
    case KeyAlgorithm::kRSA4096:
      return "RSA-4096";
    case KeyAlgorithm::kECDSAP256:
      return "ECDSA-P256";
    case KeyAlgorithm::kECDSAP384:
      return "ECDSA-P384";
  }
  return "";
}

Key::Key(EVP_PKEY* owned) : key_(owned, EVP_PKEY_free) {}

bool Key::is_rsa() const {
  return key_ && EVP_PKEY_is_a(key_.get(), "RSA");
}
bool Key::is_ec() const {
  return key_ && EVP_PKEY_is_a(key_.get(), "EC");
}
int Key::bits() const {
  return key_ ? EVP_PKEY_get_bits(key_.get()) : 0;
}

std::optional<KeyAlgorithm> Key::algorithm() const {
  if (is_rsa()) {
    switch (bits()) {
      case 2048:
        return KeyAlgorithm::kRSA2048;
      case 3072:
        return KeyAlgorithm::kRSA3072;
      case 4096:
        return KeyAlgorithm::kRSA4096;
    }
    return std::nullopt;
  }
  if (is_ec()) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(key_.get(), group, sizeof group, &len) != 1) return std::nullopt;
    std::string g(group, len);
    if (g == "prime256v1" || g == "P-256") return KeyAlgorithm::kECDSAP256;
    if (g == "secp384r1" || g == "P-384") return KeyAlgorithm::kECDSAP384;
  }
  return std::nullopt;
}

std::string Key::describe() const {
  if (auto a = algorithm()) return algorithm_name(*a);
  if (is_rsa()) return fmt::format("RSA-{}", bits());
  if (is_ec()) return fmt::format("ECDSA-{}", bits());
  return "";
}

std::string Key::private_pem() const {
  auto bio = ossl::write_bio();
  if (!bio || PEM_write_bio_PrivateKey_traditional(bio.get(), key_.get(), nullptr, nullptr, 0,
                                                   nullptr, nullptr) != 1) {
    throw Error("cannot encode a private key as PEM: " + ossl::last_error());
  }
  return ossl::bio_contents(bio.get());
}

std::string Key::public_pem() const {
  auto bio = ossl::write_bio();
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1)
    throw Error("cannot encode a public key as PEM: " + ossl::last_error());
  return ossl::bio_contents(bio.get());
}

std::string Key::spki_der() const {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key_.get(), &der);
  if (n <= 0) throw Error("cannot encode a public key: " + ossl::last_error());
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

bool Key::same_public_key(const Key& other) const {
  return key_ && other.key_ && EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
}

Key generate_key(KeyAlgorithm a) {
  ossl::init();
  EVP_PKEY* k = nullptr;
  switch (a) {
    case KeyAlgorithm::kRSA2048:
      return generate_rsa(2048);
    case KeyAlgorithm::kRSA3072:
      return generate_rsa(3072);
    case KeyAlgorithm::kRSA4096:
      return generate_rsa(4096);
    case KeyAlgorithm::kECDSAP256:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyAlgorithm::kECDSAP384:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
  }
  if (!k)
    throw Error(fmt::format("cannot generate a {} key: {}", algorithm_name(a), ossl::last_error()));
  return Key(k);
}

Key parse_private_key(const std::string& pem, const std::string& file) {
  ossl::init();
  if (pem.find("-----BEGIN") == std::string::npos)
    fail_in(file, "no PEM data found: expected a private key",
            "replace the file with a PEM-encoded key, or remove it to let kadm generate one");
  auto bio = ossl::read_bio(pem);
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!k)
    fail_in(file, "cannot parse the private key",
            "the file must hold an unencrypted PEM RSA or ECDSA private key; remove it to let kadm "
            "generate one");
  Key key(k);
  if (!key.is_rsa() && !key.is_ec())
    fail_in(file, "the private key is neither RSA nor ECDSA", "kadm uses RSA or ECDSA keys only");
  return key;
}

Key parse_public_key(const std::string& pem, const std::string& file) {
  ossl::init();
  auto bio = ossl::read_bio(pem);
  EVP_PKEY* k = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (!k) fail_in(file, "cannot parse the public key", "the file must hold a PEM \"PUBLIC KEY\"");
  return Key(k);
}

}  // namespace kadm::pki
