// Keys, certificates, CSRs and SPKI hashes made with real OpenSSL and parsed back.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "pki/cert.h"
#include "pki/certlist.h"
#include "pki/key.h"
#include "pki/keypool.h"
#include "pki/ossl.h"
#include "pki/testing.h"
#include "util/error.h"

namespace kadm::pki {
namespace {

using namespace std::chrono_literals;
using testing::inputs;

struct Tree {
  Key ca_key;
  Certificate ca;
};

Tree make_ca(const PkiInputs& in, const char* name = "ca") {
  Tree t;
  t.ca_key = generate_key(in.algorithm);
  t.ca = create_self_signed_ca(cert_spec(*find_cert(name), in), t.ca_key);
  return t;
}

Certificate make_leaf(const char* name, const PkiInputs& in, const Tree& t) {
  Key k = generate_key(in.algorithm);
  return create_signed(cert_spec(*find_cert(name), in, &t.ca), k, t.ca, t.ca_key);
}

// Parses the PEM again, so every assertion is on what would be on disk.
Certificate reparse(const Certificate& c) {
  return parse_certificate(c.pem(), "test");
}

TEST(Keys, EveryAlgorithmUsesUpstreamsPemFormsAndParsesBack) {
  struct Case {
    KeyAlgorithm algo;
    const char* header;
    int bits;
  } cases[] = {{KeyAlgorithm::kRSA2048, "-----BEGIN RSA PRIVATE KEY-----", 2048},
               {KeyAlgorithm::kRSA3072, "-----BEGIN RSA PRIVATE KEY-----", 3072},
               {KeyAlgorithm::kECDSAP256, "-----BEGIN EC PRIVATE KEY-----", 256},
               {KeyAlgorithm::kECDSAP384, "-----BEGIN EC PRIVATE KEY-----", 384}};
  for (const auto& c : cases) {
    Key k = generate_key(c.algo);
    EXPECT_EQ(k.bits(), c.bits) << algorithm_name(c.algo);
    EXPECT_EQ(k.algorithm(), c.algo);
    std::string pem = k.private_pem();
    EXPECT_EQ(pem.rfind(c.header, 0), 0u) << pem.substr(0, 40);
    EXPECT_EQ(k.public_pem().rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
    Key back = parse_private_key(pem, "k");
    EXPECT_TRUE(back.same_public_key(k));
    EXPECT_TRUE(parse_public_key(k.public_pem(), "p").same_public_key(k));
  }
}

TEST(Keys, RsaKeysPassOpenSslsFullKeyCheck) {
  Key k = generate_key(KeyAlgorithm::kRSA2048);
  ossl::PKeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, k.get(), nullptr));
  EXPECT_EQ(EVP_PKEY_check(ctx.get()), 1) << ossl::last_error();
  Key other = generate_key(KeyAlgorithm::kRSA2048);
  EXPECT_FALSE(k.same_public_key(other));
}

// kadm searches RSA primes itself (src/pki/key.cc); OpenSSL's own 64-round test must agree.
TEST(Keys, RsaFactorsArePrimesOfHalfTheSizeWellApart) {
  for (auto algo : {KeyAlgorithm::kRSA2048, KeyAlgorithm::kRSA2048, KeyAlgorithm::kRSA3072}) {
    Key k = generate_key(algo);
    BIGNUM* p = nullptr;
    BIGNUM* q = nullptr;
    BIGNUM* e = nullptr;
    ASSERT_EQ(EVP_PKEY_get_bn_param(k.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, &p), 1);
    ASSERT_EQ(EVP_PKEY_get_bn_param(k.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, &q), 1);
    ASSERT_EQ(EVP_PKEY_get_bn_param(k.get(), OSSL_PKEY_PARAM_RSA_E, &e), 1);
    BN_CTX* ctx = BN_CTX_new();
    EXPECT_EQ(BN_check_prime(p, ctx, nullptr), 1);
    EXPECT_EQ(BN_check_prime(q, ctx, nullptr), 1);
    EXPECT_EQ(BN_num_bits(p), k.bits() / 2);
    EXPECT_EQ(BN_num_bits(q), k.bits() / 2);
    EXPECT_TRUE(BN_is_bit_set(p, k.bits() / 2 - 2)) << "top two bits set";
    EXPECT_EQ(BN_get_word(e), 65537u);
    BIGNUM* diff = BN_new();
    BN_sub(diff, p, q);
    BN_set_negative(diff, 0);
    EXPECT_GT(BN_num_bits(diff), k.bits() / 2 - 100);
    BN_free(diff);
    BN_free(p);
    BN_free(q);
    BN_free(e);
    BN_CTX_free(ctx);
  }
}

TEST(Keys, AlgorithmNamesAreTheV1beta4Ones) {
  for (const char* n : {"RSA-2048", "RSA-3072", "RSA-4096", "ECDSA-P256", "ECDSA-P384"})
    EXPECT_EQ(algorithm_name(*parse_algorithm(n)), n);
  EXPECT_FALSE(parse_algorithm("RSA-1024"));
}

TEST(Keys, GarbageIsAnErrorNamingTheFile) {
  try {
    parse_private_key("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
                      "/x/ca.key");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.render().find("/x/ca.key"), std::string::npos) << e.render();
    EXPECT_NE(e.render().find("cannot parse the private key"), std::string::npos);
  }
  EXPECT_THROW(parse_certificate("hello", "/x/ca.crt"), Error);
}

TEST(Certificates, V120CaMatchesClientGoOfThatTime) {
  auto in = inputs(20);
  Certificate ca = reparse(make_ca(in).ca);
  EXPECT_EQ(ca.common_name(), "kubernetes");
  EXPECT_EQ(ca.issuer_common_name(), "kubernetes");
  EXPECT_TRUE(ca.is_ca());
  EXPECT_TRUE(ca.has_key_usage_cert_sign());
  EXPECT_TRUE(ca.dns_names().empty());
  EXPECT_EQ(ca.subject_key_id().size(), 20u);
  EXPECT_TRUE(ca.authority_key_id().empty());
  EXPECT_EQ(ASN1_INTEGER_get(X509_get0_serialNumber(ca.get())), 0);
  EXPECT_EQ(ca.not_before(), in.start);
  EXPECT_EQ(ca.not_after() - ca.not_before(), std::chrono::hours(24 * 3650));
}

TEST(Certificates, NewestCaIsBackdatedRandomSerialAndNamesItself) {
  auto in = inputs(36);
  Certificate ca = reparse(make_ca(in, "etcd-ca").ca);
  EXPECT_EQ(ca.dns_names(), std::vector<std::string>{"etcd-ca"});
  EXPECT_NE(ASN1_INTEGER_get(X509_get0_serialNumber(ca.get())), 0);
  EXPECT_EQ(ca.not_before(), in.start - 5min);
  EXPECT_EQ(ca.not_after(), in.start + std::chrono::hours(24 * 3650));
}

TEST(Certificates, SkidHashFollowsTheGoReleaseOfTheVersion) {
  for (int minor : {34, 35}) {
    auto in = inputs(minor);
    Tree t = make_ca(in);
    const ASN1_BIT_STRING* bits = X509_get0_pubkey_bitstr(t.ca.get());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(bits->data, static_cast<size_t>(bits->length), md, &n,
               minor >= 35 ? EVP_sha256() : EVP_sha1(), nullptr);
    EXPECT_EQ(t.ca.subject_key_id(), std::string(reinterpret_cast<char*>(md), 20))
        << "v1." << minor;
  }
}

TEST(Certificates, ApiserverHasUpstreamsSansInUpstreamsOrder) {
  auto in = inputs(20);
  in.control_plane_endpoint = "cp.example.com:7443";
  in.apiserver_cert_sans = {"10.0.0.100", "api.example.com", "*.apps.example.com", "not a name!",
                            "10.1.2.3"};
  Tree t = make_ca(in);
  Certificate c = reparse(make_leaf("apiserver", in, t));
  EXPECT_EQ(c.common_name(), "kube-apiserver");
  // DNS names sorted and de-duplicated (upstream RemoveDuplicateAltNames), IPs in order.
  EXPECT_EQ(c.dns_names(),
            (std::vector<std::string>{"*.apps.example.com", "api.example.com", "cp.example.com",
                                      "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                                      "kubernetes.default.svc.cluster.local", "node-a"}));
  EXPECT_EQ(c.ip_addresses(), (std::vector<std::string>{"10.96.0.1", "10.1.2.3", "10.0.0.100"}));
  EXPECT_EQ(c.ext_usages(), std::vector<ExtUsage>{ExtUsage::kServerAuth});
  EXPECT_FALSE(c.is_ca());
  EXPECT_EQ(X509_get_ext_by_NID(c.get(), NID_basic_constraints, -1), -1)
      << "v1.20 leaves have none";
  EXPECT_EQ(c.authority_key_id(), t.ca.subject_key_id());
  EXPECT_TRUE(c.subject_key_id().empty());
  EXPECT_TRUE(c.signed_by(t.ca));
  EXPECT_TRUE(c.valid_for("x.apps.example.com"));
  EXPECT_FALSE(c.valid_for("a.b.apps.example.com"));
}

TEST(Certificates, Ipv6AndIpEndpointsAreIpSans) {
  auto in = inputs(31);
  in.advertise_address = "fd00:10::a";
  in.service_subnet = "fd00:96::/112,10.96.0.0/12";
  in.control_plane_endpoint = "[fd00::1]:6443";
  Tree t = make_ca(in);
  Certificate c = reparse(make_leaf("apiserver", in, t));
  EXPECT_EQ(c.ip_addresses(), (std::vector<std::string>{"fd00:96::1", "fd00:10::a", "fd00::1"}));
  EXPECT_GE(X509_get_ext_by_NID(c.get(), NID_basic_constraints, -1), 0)
      << "v1.21+ leaves carry CA:FALSE";
}

TEST(Certificates, EtcdServingCertsNameTheNodeAndLoopbacks) {
  auto in = inputs(28);
  in.etcd_peer_cert_sans = {"peer.example.com"};
  Tree t = make_ca(in, "etcd-ca");
  for (const char* name : {"etcd-server", "etcd-peer"}) {
    Certificate c = reparse(make_leaf(name, in, t));
    EXPECT_EQ(c.common_name(), "node-a");
    EXPECT_EQ(c.ip_addresses(), (std::vector<std::string>{"10.1.2.3", "127.0.0.1", "::1"}));
    EXPECT_EQ(c.ext_usages(),
              (std::vector<ExtUsage>{ExtUsage::kServerAuth, ExtUsage::kClientAuth}));
    bool peer = std::string(name) == "etcd-peer";
    EXPECT_EQ(c.valid_for("peer.example.com"), peer) << name;
  }
}

TEST(Certificates, ClientGroupsFollowTheVersion) {
  for (int minor : {28, 29}) {
    auto in = inputs(minor);
    Tree ca = make_ca(in), etcd = make_ca(in, "etcd-ca");
    auto kubelet = reparse(make_leaf("apiserver-kubelet-client", in, ca));
    auto health = reparse(make_leaf("etcd-healthcheck-client", in, etcd));
    auto etcd_client = reparse(make_leaf("apiserver-etcd-client", in, etcd));
    std::vector<std::string> masters = {"system:masters"}, none;
    EXPECT_EQ(kubelet.organizations(),
              minor == 28 ? masters : std::vector<std::string>{"kubeadm:cluster-admins"});
    EXPECT_EQ(health.organizations(), minor == 28 ? masters : none);
    EXPECT_EQ(etcd_client.organizations(), minor == 28 ? masters : none);
    EXPECT_EQ(health.common_name(), "kube-etcd-healthcheck-client");
    EXPECT_EQ(health.ext_usages(), std::vector<ExtUsage>{ExtUsage::kClientAuth});
  }
}

TEST(Certificates, LeafValidityByVersionAndCappedByTheCa) {
  auto in20 = inputs(20);
  Tree t = make_ca(in20);
  auto leaf = make_leaf("front-proxy-client", in20, t);
  EXPECT_EQ(leaf.not_before(), t.ca.not_before()) << "before v1.31 a leaf starts with its CA";
  EXPECT_EQ(leaf.not_after(), in20.start + std::chrono::hours(24 * 365));

  auto in31 = inputs(31);
  in31.validity = std::chrono::hours(24 * 30);
  Tree t31 = make_ca(in31);
  auto leaf31 = make_leaf("apiserver-kubelet-client", in31, t31);
  EXPECT_EQ(leaf31.not_before(), in31.start - 5min);
  EXPECT_EQ(leaf31.not_after(), in31.start + std::chrono::hours(24 * 30));

  in31.ca_validity = std::chrono::hours(24);
  in31.validity = std::chrono::hours(24 * 365);
  Tree short_ca = make_ca(in31);
  auto capped = make_leaf("apiserver-kubelet-client", in31, short_ca);
  EXPECT_EQ(capped.not_after(), short_ca.ca.not_after());
}

TEST(Certificates, UnusableAdvertiseAddressIsAConfigError) {
  auto in = inputs(30);
  in.advertise_address = "10.1.2";
  try {
    cert_spec(*find_cert("apiserver"), in);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.render().find("localAPIEndpoint.advertiseAddress"), std::string::npos)
        << e.render();
    EXPECT_EQ(e.exit_code(), kExitConfig);
  }
}

TEST(Certificates, SpkiHashIsSha256OfTheSubjectPublicKeyInfo) {
  auto in = inputs(30);
  Tree t = make_ca(in);
  std::string h = spki_hash(t.ca);
  ASSERT_EQ(h.size(), 7u + 64u);
  EXPECT_EQ(h.rfind("sha256:", 0), 0u);
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(X509_get0_pubkey(t.ca.get()), &der);
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(der, static_cast<size_t>(n), md, &len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  std::string hex;
  for (unsigned char c : md) hex += fmt::format("{:02x}", c);
  EXPECT_EQ(h, "sha256:" + hex);
}

TEST(Certificates, CsrCarriesSubjectAndSansAndVerifies) {
  auto in = inputs(30);
  Key k = generate_key(KeyAlgorithm::kECDSAP256);
  std::string pem = create_csr_pem(cert_spec(*find_cert("apiserver"), in), k);
  ASSERT_EQ(pem.rfind("-----BEGIN CERTIFICATE REQUEST-----", 0), 0u);
  auto bio = ossl::read_bio(pem);
  ossl::ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(req);
  EXPECT_EQ(X509_REQ_verify(req.get(), k.get()), 1);
  STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req.get());
  ASSERT_EQ(sk_X509_EXTENSION_num(exts), 1);
  EXPECT_EQ(OBJ_obj2nid(X509_EXTENSION_get_object(sk_X509_EXTENSION_value(exts, 0))),
            NID_subject_alt_name);
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
}

TEST(KeyPool, PrefetchedKeysAreDistinctAndOfTheirAlgorithm) {
  KeyPool pool(2);
  pool.prefetch("a", KeyAlgorithm::kRSA2048);
  pool.prefetch("b", KeyAlgorithm::kECDSAP256);
  pool.prefetch("c", KeyAlgorithm::kRSA2048);
  Key c = pool.take("c", KeyAlgorithm::kRSA2048);
  Key a = pool.take("a", KeyAlgorithm::kRSA2048);
  Key b = pool.take("b", KeyAlgorithm::kECDSAP256);
  Key d = pool.take("not-queued", KeyAlgorithm::kECDSAP384);
  EXPECT_EQ(a.bits(), 2048);
  EXPECT_EQ(c.bits(), 2048);
  EXPECT_FALSE(a.same_public_key(c));
  EXPECT_EQ(b.algorithm(), KeyAlgorithm::kECDSAP256);
  EXPECT_EQ(d.algorithm(), KeyAlgorithm::kECDSAP384);
}

int threads_of_this_process() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  return -1;
}

// The nice values of this process's threads other than the caller.
std::vector<int> other_threads_nice() {
  std::vector<int> out;
  std::string self = std::to_string(gettid());
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    if (e.path().filename() == self) continue;
    std::string text;
    try {
      std::ifstream stat(e.path() / "stat");
      text.assign(std::istreambuf_iterator<char>(stat), {});
    } catch (const std::exception&) {  // the thread ended meanwhile
    }
    if (text.find(')') == std::string::npos) continue;
    // Field 19 (nice) counted after the command name's closing parenthesis (field 2).
    std::istringstream rest(text.substr(text.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 19 && rest >> field; ++i) {}
    out.push_back(std::stoi(field));
  }
  return out;
}

// After kubelet-start, kadm leaves the cores to the kubelet: the pool's worker finishes its key at
// the lowest priority and stops, and queued keys are made by the thread that takes them.
TEST(KeyPool, CallersOnlyStopsTheWorkersAndStillHandsOutEveryKey) {
  int before = threads_of_this_process();
  KeyPool pool(1);
  pool.prefetch("slow", KeyAlgorithm::kRSA4096);  // long enough to see the worker at work
  pool.prefetch("a", KeyAlgorithm::kRSA2048);
  pool.prefetch("b", KeyAlgorithm::kRSA2048);
  EXPECT_EQ(threads_of_this_process(), before + 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the worker starts on "slow"
  pool.callers_only();
  if (geteuid() == 0) {  // the worker still making its key now runs at nice 19
    auto nice = other_threads_nice();
    EXPECT_EQ(nice, std::vector<int>(nice.size(), 19));
  }
  pool.prefetch("d", KeyAlgorithm::kRSA2048);
  // The worker ends once the key it is making is done (a fraction of a second); bounded wait.
  for (int i = 0; i < 1000 && threads_of_this_process() > before; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(threads_of_this_process(), before);
  std::vector<Key> keys;
  for (const char* name : {"a", "b", "d"}) keys.push_back(pool.take(name, KeyAlgorithm::kRSA2048));
  EXPECT_EQ(threads_of_this_process(), before);
  EXPECT_EQ(pool.take("slow", KeyAlgorithm::kRSA4096).bits(), 4096);
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(keys[i].bits(), 2048);
    for (size_t j = 0; j < i; ++j) EXPECT_FALSE(keys[i].same_public_key(keys[j]));
  }
}

// ossl::init ignores a failure to choose the generator (OpenSSL's default is as secure), so this
// is where losing the choice, and the memory it saves, would show.
TEST(Random, KeysAreMadeFromSha256HashDrbg) {
  ossl::init();
  Key key = generate_key(KeyAlgorithm::kECDSAP256);
  EVP_RAND_CTX* primary = RAND_get0_primary(nullptr);
  ASSERT_NE(primary, nullptr);
  EXPECT_STREQ(EVP_RAND_get0_name(EVP_RAND_CTX_get0_rand(primary)), "HASH-DRBG");
  char digest[32] = {};
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, sizeof digest),
                         OSSL_PARAM_construct_end()};
  ASSERT_EQ(EVP_RAND_CTX_get_params(primary, params), 1);
  EXPECT_STREQ(digest, "SHA2-256");  // OpenSSL's own name for SHA-256
  EXPECT_FALSE(key.same_public_key(generate_key(KeyAlgorithm::kECDSAP256)));
}

}  // namespace
}  // namespace kadm::pki
