#include "uploadcerts/uploadcerts.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "addons/fake_client.h"
#include "api/defaults.h"
#include "kubeconfig/kubeconfig.h"
#include "pki/testing.h"
#include "util/error.h"

namespace kadm::uploadcerts {
namespace {

namespace fs = std::filesystem;
const std::string kDir = std::string(KADM_FIXTURES) + "/uploadcerts/v1.20";
// The key given to upstream kubeadm v1.20.2 when it wrote the fixture (a throwaway lab cluster).
const std::string kFixtureKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string unbase64(const json& v) {
  return *kubeconfig::base64_decode(v.get<std::string>());
}

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
PKey private_key(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PKey k(PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr), &EVP_PKEY_free);
  BIO_free(b);
  return k;
}
PKey cert_key(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  PKey k(x ? X509_get_pubkey(x) : nullptr, &EVP_PKEY_free);
  X509_free(x);
  return k;
}
PKey public_key(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PKey k(PEM_read_bio_PUBKEY(b, nullptr, nullptr, nullptr), &EVP_PKEY_free);
  BIO_free(b);
  return k;
}

using pki::testing::TempDir;

void write(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << content;
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

api::ClusterConfiguration cluster() {
  api::ClusterConfiguration c;
  c.kubernetes_version = "v1.30.0";
  api::set_defaults(c);
  return c;
}

TEST(UploadCerts, EncryptionRoundTripsWithAFreshNonceEachTime) {
  std::string key = decode_key(create_certificate_key(), "test");
  ASSERT_EQ(key.size(), 32u);
  std::string plain = "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n";
  std::string a = encrypt(plain, key), b = encrypt(plain, key);
  EXPECT_EQ(a.size(), kNonceSize + plain.size() + kTagSize);
  EXPECT_NE(a, b);
  EXPECT_EQ(decrypt(a, key), plain);
  EXPECT_EQ(decrypt(encrypt("", key), key), "");
}

TEST(UploadCerts, TamperedDataOrAnotherKeyDoesNotDecrypt) {
  std::string key = decode_key(create_certificate_key(), "test");
  std::string sealed = encrypt("secret material", key);
  std::string tampered = sealed;
  tampered[kNonceSize] ^= 1;
  EXPECT_THROW(decrypt(tampered, key), Error);
  EXPECT_THROW(decrypt(sealed, decode_key(create_certificate_key(), "test")), Error);
  EXPECT_THROW(decrypt(sealed.substr(0, 20), key), Error);
}

TEST(UploadCerts, SecretWrittenByUpstreamV1_20DecryptsToItsFiles) {
  json secret = json::parse(read(kDir + "/secret-kubeadm-certs.json"));
  std::string key = decode_key(kFixtureKey, "test");
  std::map<std::string, std::string> plain;
  for (const auto& [name, value] : secret["data"].items())
    plain[name] = decrypt(unbase64(value), key);
  EXPECT_EQ(plain.size(), 8u);
  EXPECT_EQ(plain["ca.crt"], read(kDir + "/ca.crt"));
  EXPECT_EQ(plain["front-proxy-ca.crt"], read(kDir + "/front-proxy-ca.crt"));
  EXPECT_EQ(plain["etcd-ca.crt"], read(kDir + "/etcd-ca.crt"));
  EXPECT_EQ(plain["sa.pub"], read(kDir + "/sa.pub"));
  // Each private key belongs to its certificate (or public key).
  for (const auto& [k, crt] :
       std::map<std::string, std::string>{{"ca.key", "ca.crt"},
                                          {"front-proxy-ca.key", "front-proxy-ca.crt"},
                                          {"etcd-ca.key", "etcd-ca.crt"}}) {
    auto priv = private_key(plain[k]);
    auto pub = cert_key(plain[crt]);
    ASSERT_TRUE(priv && pub) << k;
    EXPECT_EQ(EVP_PKEY_eq(priv.get(), pub.get()), 1) << k;
  }
  auto sa = private_key(plain["sa.key"]);
  auto sa_pub = public_key(plain["sa.pub"]);
  ASSERT_TRUE(sa && sa_pub);
  EXPECT_EQ(EVP_PKEY_eq(sa.get(), sa_pub.get()), 1);
}

TEST(UploadCerts, CertificateKeyErrorsNameTheOriginButNotTheKey) {
  try {
    decode_key("0123456789abcdeX", "--certificate-key");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--certificate-key"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("0123456789abcde"), std::string::npos);
  }
  EXPECT_THROW(decode_key("abc", "x"), Error);
  EXPECT_THROW(decode_key("abcd", "x"), Error);  // 2 bytes is no AES key
  EXPECT_EQ(decode_key(std::string(32, 'a'), "x").size(),
            16u);  // AES-128 is accepted, as upstream does
}

TEST(UploadCerts, FilesToTransferDependOnTheEtcdKind) {
  auto c = cluster();
  auto local = certs_to_transfer(c, "/pki");
  ASSERT_EQ(local.size(), 8u);
  EXPECT_EQ(local[6].name, "etcd/ca.crt");
  EXPECT_EQ(local[6].path, "/pki/etcd/ca.crt");
  EXPECT_EQ(secret_key(local[6].name), "etcd-ca.crt");
  c.etcd.local.reset();
  c.etcd.external =
      api::ExternalEtcd{{"https://10.0.0.9:2379"}, {}, "/e/ca.pem", "/e/c.pem", "/e/k.pem"};
  auto ext = certs_to_transfer(c, "/pki");
  ASSERT_EQ(ext.size(), 9u);
  EXPECT_EQ(ext[6].name, "external-etcd-ca.crt");
  EXPECT_EQ(ext[6].path, "/e/ca.pem");
  EXPECT_EQ(ext[8].name, "external-etcd.key");
}

TEST(UploadCerts, RBACEqualsWhatUpstreamCreated) {
  // The server adds apiGroup to Group subjects; kubeadm sends none.
  json role = json::parse(read(kDir + "/role-kubeadm_kubeadm-certs.json"));
  json binding = json::parse(read(kDir + "/rolebinding-kubeadm_kubeadm-certs.json"));
  binding["subjects"][0].erase("apiGroup");
  EXPECT_EQ(certs_role(), role);
  EXPECT_EQ(certs_role_binding(), binding);
}

TEST(UploadCerts, UploadCreatesAnUnusableOwnerTokenAndEncryptsEveryFile) {
  TempDir dir;
  write(dir.path + "/ca.crt", "CA CERT");
  write(dir.path + "/ca.key", "CA KEY");
  write(dir.path + "/etcd/ca.crt", "ETCD CA");
  testing::FakeClient fc;
  std::string hex_key = create_certificate_key();
  upload_certs(fc, cluster(), dir.path, hex_key, std::chrono::seconds(1));

  ASSERT_EQ(fc.calls.size(), 6u);
  EXPECT_EQ(fc.calls[0].rfind("GET secrets bootstrap-token-", 0), 0u);  // "already exists?" check
  EXPECT_EQ(fc.calls[1].rfind("CREATE secrets bootstrap-token-", 0), 0u);
  EXPECT_EQ(fc.calls[2].rfind("GET secrets bootstrap-token-", 0), 0u);  // for its uid
  EXPECT_EQ(fc.calls[3], "CREATE secrets kubeadm-certs");
  EXPECT_EQ(fc.calls[4], "CREATE roles kubeadm:kubeadm-certs");
  EXPECT_EQ(fc.calls[5], "CREATE rolebindings kubeadm:kubeadm-certs");

  std::string token_name = fc.calls[1].substr(std::string("CREATE secrets ").size());
  const json& token = *fc.find({"v1", "secrets", "kube-system", token_name});
  EXPECT_EQ(token["type"], "bootstrap.kubernetes.io/token");
  EXPECT_EQ(unbase64(token["data"]["description"]), kTokenDescription);
  std::set<std::string> keys;
  for (const auto& [k, v] : token["data"].items()) keys.insert(k);
  // Upstream writes no usage or group keys: the token can neither authenticate nor sign.
  EXPECT_EQ(keys, (std::set<std::string>{"description", "expiration", "token-id", "token-secret"}));

  const json& secret = *fc.find({"v1", "secrets", "kube-system", "kubeadm-certs"});
  json owner = secret["metadata"]["ownerReferences"][0];
  EXPECT_EQ(owner["name"], token_name);
  EXPECT_EQ(owner["uid"], token["metadata"]["uid"]);
  EXPECT_EQ(owner["controller"], true);
  EXPECT_EQ(owner["blockOwnerDeletion"], true);
  std::string key = decode_key(hex_key, "test");
  EXPECT_EQ(decrypt(unbase64(secret["data"]["ca.crt"]), key), "CA CERT");
  EXPECT_EQ(decrypt(unbase64(secret["data"]["etcd-ca.crt"]), key), "ETCD CA");
  EXPECT_EQ(secret["data"]["sa.key"], "");  // missing on disk: stored empty
  EXPECT_EQ(secret["data"].size(), 8u);
  // The key never reaches the objects.
  EXPECT_EQ(secret.dump().find(hex_key), std::string::npos);
}

TEST(UploadCerts, DownloadWritesTheFilesWithTheReleasesModes) {
  TempDir src;
  json secret = json::parse(read(kDir + "/secret-kubeadm-certs.json"));
  for (int minor : {20, 30}) {
    TempDir dst;
    testing::FakeClient fc;
    fc.seed(secret);
    download_certs(fc, cluster(), dst.path, kFixtureKey, *versions::find_release(minor),
                   std::chrono::seconds(1));
    EXPECT_EQ(read(dst.path + "/ca.crt"), read(kDir + "/ca.crt"));
    EXPECT_EQ(read(dst.path + "/etcd/ca.crt"), read(kDir + "/etcd-ca.crt"));
    EXPECT_EQ(mode_of(dst.path + "/ca.key"), 0600u);
    EXPECT_EQ(mode_of(dst.path + "/sa.key"), 0600u);
    EXPECT_EQ(mode_of(dst.path + "/ca.crt"), minor >= 22 ? 0644u : 0600u) << minor;
    EXPECT_EQ(mode_of(dst.path + "/sa.pub"), minor >= 22 ? 0644u : 0600u) << minor;
  }
}

TEST(UploadCerts, DownloadWithTheWrongKeyWritesNothing) {
  TempDir dst;
  testing::FakeClient fc;
  fc.seed(json::parse(read(kDir + "/secret-kubeadm-certs.json")));
  EXPECT_THROW(download_certs(fc, cluster(), dst.path, create_certificate_key(),
                              *versions::find_release(30), std::chrono::seconds(1)),
               Error);
  EXPECT_TRUE(fs::is_empty(dst.path));
}

TEST(UploadCerts, DownloadSkipsEmptyEntriesAndExplainsAMissingSecret) {
  TempDir dst;
  testing::FakeClient fc;
  try {
    download_certs(fc, cluster(), dst.path, kFixtureKey, *versions::find_release(30),
                   std::chrono::seconds(1));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("might have expired"), std::string::npos);
    EXPECT_NE(e.hint().find("upload-certs --upload-certs"), std::string::npos);
  }
  json secret = json::parse(read(kDir + "/secret-kubeadm-certs.json"));
  secret["data"]["sa.key"] = "";
  secret["data"]["sa.pub"] = "";
  fc.seed(secret);
  download_certs(fc, cluster(), dst.path, kFixtureKey, *versions::find_release(30),
                 std::chrono::seconds(1));
  EXPECT_TRUE(fs::exists(dst.path + "/ca.key"));
  EXPECT_FALSE(fs::exists(dst.path + "/sa.key"));
}

}  // namespace
}  // namespace kadm::uploadcerts
