#include "uploadcerts/uploadcerts.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <memory>

#include "api/bootstrap_token.h"
#include "host/fs.h"
#include "kube/apply.h"
#include "kubeconfig/kubeconfig.h"
#include "tokens/secret.h"
#include "util/digest.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::uploadcerts {
namespace {

const char* kNamespace = "kube-system";
const char* kBootstrapGroup = "system:bootstrappers:kubeadm:default-node-token";

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const EVP_CIPHER* gcm_for(const std::string& key) {
  switch (key.size()) {
    case 16:
      return EVP_aes_128_gcm();
    case 24:
      return EVP_aes_192_gcm();
    case 32:
      return EVP_aes_256_gcm();
  }
  throw Error(fmt::format("invalid AES key size {} (want 16, 24 or 32 bytes)", key.size()));
}

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// What a decrypted entry holds, as upstream's download-certs tells them apart.
enum class Pem { PrivateKey, Public, Unknown };

Pem classify(const std::string& pem) {
  auto bio = [&] {
    return std::unique_ptr<BIO, decltype(&BIO_free)>(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  };
  {
    auto b = bio();
    EVP_PKEY* k = PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr);
    if (k) {
      EVP_PKEY_free(k);
      return Pem::PrivateKey;
    }
  }
  {
    auto b = bio();
    EVP_PKEY* k = PEM_read_bio_PUBKEY(b.get(), nullptr, nullptr, nullptr);
    if (k) {
      EVP_PKEY_free(k);
      return Pem::Public;
    }
  }
  {
    auto b = bio();
    X509* x = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr);
    if (x) {
      X509_free(x);
      return Pem::Public;
    }
  }
  return Pem::Unknown;
}

std::string b64(const std::string& s) {
  return kubeconfig::base64_encode(s);
}

// The owner: a bootstrap token that can neither authenticate nor sign (no usages, no groups);
// it only carries the expiry that the token cleaner acts on.
json create_owner_token(kube::Client& c) {
  api::BootstrapToken token;
  token.token = api::generate_token();
  token.description = kTokenDescription;
  token.ttl = kTokenTTL;
  json secret = tokens::token_secret(token, tokens::Clock::now());
  std::string id = api::parse_token(token.token)->id;
  try {
    kube::create_new(c, secret, fmt::format("a token with id \"{}\" already exists", id));
  } catch (const Error& e) {
    throw Error(fmt::format("error creating token: {}", e.what()), e.hint());
  }
  return secret;
}

}  // namespace

std::string create_certificate_key() {
  std::string key(kCertificateKeySize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1)
    throw Error("cannot generate a certificate key: the OpenSSL random generator failed");
  return hex(key);
}

std::string decode_key(const std::string& hex_key, const std::string& origin) {
  std::string hint = "use the 64 hex characters `kadm certs certificate-key` prints";
  if (hex_key.size() % 2 != 0)
    throw Error(fmt::format("error decoding certificate key from {}: odd length", origin), hint,
                kExitConfig);
  std::string key;
  for (size_t i = 0; i < hex_key.size(); i += 2) {
    int hi = hex_value(hex_key[i]), lo = hex_value(hex_key[i + 1]);
    if (hi < 0 || lo < 0)
      throw Error(
          fmt::format("error decoding certificate key from {}: character {} is not hexadecimal",
                      origin, i + (hi < 0 ? 1 : 2)),
          hint, kExitConfig);
    key += static_cast<char>(hi * 16 + lo);
  }
  if (key.size() != 16 && key.size() != 24 && key.size() != 32)
    throw Error(
        fmt::format("invalid certificate key from {}: {} bytes, an AES key has 16, 24 or 32",
                    origin, key.size()),
        hint, kExitConfig);
  return key;
}

std::string encrypt(const std::string& plaintext, const std::string& key) {
  const EVP_CIPHER* cipher = gcm_for(key);
  std::string nonce(kNonceSize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), static_cast<int>(nonce.size())) !=
      1)
    throw Error("cannot generate a nonce: the OpenSSL random generator failed");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string out = nonce;
  out.resize(kNonceSize + plaintext.size() + kTagSize);
  auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kNonceSize;
  int len = 0, fin = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize),
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), dst, &len, bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), dst + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                          dst + len + fin) != 1)
    throw Error("AES-GCM encryption failed (OpenSSL)");
  return out;
}

std::string decrypt(const std::string& sealed, const std::string& key) {
  const EVP_CIPHER* cipher = gcm_for(key);
  if (sealed.size() < kNonceSize + kTagSize)
    throw Error("size of data is less than the nonce and tag");
  std::string nonce = sealed.substr(0, kNonceSize);
  std::string body = sealed.substr(kNonceSize, sealed.size() - kNonceSize - kTagSize);
  std::string tag = sealed.substr(sealed.size() - kTagSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string out(body.size(), '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int len = 0, fin = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceSize),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), dst, &len, bytes(body), static_cast<int>(body.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          const_cast<char*>(tag.data())) != 1)
    throw Error("AES-GCM decryption failed (OpenSSL)");
  if (EVP_DecryptFinal_ex(ctx.get(), dst + len, &fin) != 1)
    throw Error("message authentication failed");
  out.resize(static_cast<size_t>(len + fin));
  return out;
}

std::vector<CertFile> certs_to_transfer(const api::ClusterConfiguration& c,
                                        const std::string& dir) {
  std::vector<CertFile> files = {
      {"ca.crt", dir + "/ca.crt"},
      {"ca.key", dir + "/ca.key"},
      {"front-proxy-ca.crt", dir + "/front-proxy-ca.crt"},
      {"front-proxy-ca.key", dir + "/front-proxy-ca.key"},
      {"sa.pub", dir + "/sa.pub"},
      {"sa.key", dir + "/sa.key"},
  };
  if (!c.etcd.external) {
    files.push_back({"etcd/ca.crt", dir + "/etcd/ca.crt"});
    files.push_back({"etcd/ca.key", dir + "/etcd/ca.key"});
  } else {
    files.push_back({"external-etcd-ca.crt", c.etcd.external->ca_file});
    files.push_back({"external-etcd.crt", c.etcd.external->cert_file});
    files.push_back({"external-etcd.key", c.etcd.external->key_file});
  }
  return files;
}

std::string secret_key(const std::string& name) {
  std::string out = name;
  for (auto& ch : out)
    if (ch == '/') ch = '-';
  return out;
}

json certs_secret(const json& data, const std::string& owner_name, const std::string& owner_uid) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata",
           {{"name", kSecretName},
            {"namespace", kNamespace},
            {"ownerReferences",
             {{{"apiVersion", "v1"},
               {"kind", "Secret"},
               {"name", owner_name},
               {"uid", owner_uid},
               {"controller", true},
               {"blockOwnerDeletion", true}}}}}},
          {"data", data}};
}

json certs_role() {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "Role"},
          {"metadata", {{"name", kRoleName}, {"namespace", kNamespace}}},
          {"rules",
           {{{"apiGroups", {""}},
             {"resourceNames", {kSecretName}},
             {"resources", {"secrets"}},
             {"verbs", {"get"}}}}}};
}

json certs_role_binding() {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "RoleBinding"},
          {"metadata", {{"name", kRoleName}, {"namespace", kNamespace}}},
          {"roleRef",
           {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", kRoleName}}},
          {"subjects", {{{"kind", "Group"}, {"name", kBootstrapGroup}}}}};
}

void upload_certs(kube::Client& c, const api::ClusterConfiguration& cluster,
                  const std::string& cert_dir, const std::string& hex_key, Duration timeout) {
  log::progress("[upload-certs] Storing the certificates in Secret \"{}\" in the \"{}\" Namespace",
                kSecretName, kNamespace);
  std::string key = decode_key(hex_key, "the certificate key");
  json token = create_owner_token(c);
  std::string owner = token["metadata"]["name"];

  json data = json::object();
  for (const auto& f : certs_to_transfer(cluster, cert_dir)) {
    auto content = host::read_file(f.path);  // a missing file is stored empty, as upstream does
    data[secret_key(f.name)] = content ? b64(encrypt(*content, key)) : "";
  }

  // The ownerReference needs the token Secret's uid, which only the API server knows.
  std::string uid;
  kube::poll_immediate("error to get token reference", kube::kRetryInterval, timeout,
                       [&]() -> std::optional<std::string> {
                         auto r = c.get(kube::ref_of(token));
                         if (r.status.ok()) {
                           uid = r.object["metadata"].value("uid", "");
                           return std::nullopt;
                         }
                         // A dry run has no server to assign one (upstream v1.20 fails here under
                         // --dry-run).
                         if (c.dry_run()) return std::nullopt;
                         return r.status.describe();
                       });
  kube::create_or_update(c, certs_secret(data, owner, uid), timeout);
  kube::create_or_update(c, certs_role(), timeout);
  kube::create_or_update(c, certs_role_binding(), timeout);
}

void download_certs(kube::Client& c, const api::ClusterConfiguration& cluster,
                    const std::string& cert_dir, const std::string& hex_key,
                    const versions::Release& r, Duration timeout) {
  log::progress(
      "[download-certs] Downloading the certificates in Secret \"{}\" in the \"{}\" Namespace",
      kSecretName, kNamespace);
  std::string key = decode_key(hex_key, "the certificate key");
  json secret;
  kube::poll_immediate("error downloading the secret", kube::kRetryInterval, timeout,
                       [&]() -> std::optional<std::string> {
                         auto res = c.get({"v1", "secrets", kNamespace, kSecretName});
                         if (res.status.ok()) {
                           secret = res.object;
                           return std::nullopt;
                         }
                         if (res.status.not_found())
                           throw Error(fmt::format("error downloading the secret: Secret \"{}\" "
                                                   "was not found in the \"{}\" Namespace. "
                                                   "This Secret might have expired",
                                                   kSecretName, kNamespace),
                                       "run `kadm init phase upload-certs --upload-certs` on a "
                                       "control plane to generate a new one");
                         return res.status.describe();
                       });

  // Decrypt everything first: a wrong key must not leave some files written.
  std::map<std::string, std::string> plain;
  const json data = secret.value("data", json::object());
  for (const auto& [name, value] : data.items()) {
    auto raw =
        value.is_string() ? kubeconfig::base64_decode(value.get<std::string>()) : std::nullopt;
    if (!raw)
      throw Error(fmt::format("error decoding secret data: entry \"{}\" is not base64", name));
    if (raw->empty()) {
      plain[name] = "";
      continue;
    }
    try {
      plain[name] = decrypt(*raw, key);
    } catch (const Error& e) {
      throw Error(
          fmt::format("error decoding secret data with provided key: entry \"{}\": {}", name,
                      e.what()),
          "the certificate key must be the one the control plane printed when it uploaded the "
          "certificates (--certificate-key)");
    }
  }
  for (const auto& f : certs_to_transfer(cluster, cert_dir)) {
    auto it = plain.find(secret_key(f.name));
    if (it == plain.end())
      throw Error(fmt::format(
          "the Secret does not include the required certificate or key - name: {}, path: {}",
          f.name, f.path));
    if (it->second.empty()) {
      log::v(1,
             "[download-certs] Not saving \"{}\" to disk, since it is empty in the \"{}\" Secret",
             f.name, kSecretName);
      continue;
    }
    Pem kind = classify(it->second);
    if (kind == Pem::Unknown)
      throw Error(fmt::format("unknown data found in Secret entry \"{}\"", secret_key(f.name)));
    mode_t mode = kind == Pem::PrivateKey || !r.download_certs_public_0644 ? 0600 : 0644;
    host::write_file_atomic(f.path, it->second, mode);
  }
}

}  // namespace kadm::uploadcerts
