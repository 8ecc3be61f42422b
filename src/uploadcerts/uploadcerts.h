// The kubeadm-certs Secret (reference §3.12): the control plane's shared CA keys and certificates,
// each encrypted with AES-GCM under the certificate key, so that `join --control-plane
// --certificate-key` can fetch them. A short-lived bootstrap token owns the Secret, so the
// garbage collector removes both when the token expires (2 h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/types.h"
#include "kube/client.h"
#include "util/duration.h"
#include "versions/table.h"

namespace kadm::uploadcerts {

using json = nlohmann::json;

inline constexpr const char* kSecretName = "kubeadm-certs";
inline constexpr const char* kRoleName = "kubeadm:kubeadm-certs";
inline constexpr const char* kTokenDescription =
    "Proxy for managing TTL for the kubeadm-certs secret";
inline constexpr std::size_t kCertificateKeySize = 32;
inline constexpr std::size_t kNonceSize = 12;
inline constexpr std::size_t kTagSize = 16;
inline const Duration kTokenTTL = std::chrono::hours(2);

// 32 random bytes, hex-encoded (`kubeadm certs certificate-key`).
std::string create_certificate_key();

// The AES key behind a hex certificate key. 16, 24 or 32 bytes select AES-128/192/256 (upstream
// accepts all three; it generates 32). Throws kadm::Error naming `origin` (the flag or field)
// without echoing the key.
std::string decode_key(const std::string& hex_key, const std::string& origin);

// AES-GCM with a random 12-byte nonce, no additional data: nonce ‖ ciphertext ‖ 16-byte tag.
std::string encrypt(const std::string& plaintext, const std::string& key);
// The reverse; throws kadm::Error when the data is too short or does not authenticate.
std::string decrypt(const std::string& sealed, const std::string& key);

// One file the Secret carries: its name ("ca.crt", "etcd/ca.crt", "external-etcd.key") and where
// it lives on a control-plane node.
struct CertFile {
  std::string name;
  std::string path;
};
// Local etcd: the cluster, front-proxy and etcd CAs and the service-account key pair; external
// etcd: the etcd client files named in etcd.external instead of the etcd CA.
std::vector<CertFile> certs_to_transfer(const api::ClusterConfiguration& cluster,
                                        const std::string& cert_dir);
// The Secret key of a file name: "/" becomes "-".
std::string secret_key(const std::string& name);

// The Secret with `data` (key → base64 value) owned by the token Secret `owner_name`/`owner_uid`.
json certs_secret(const json& data, const std::string& owner_name, const std::string& owner_uid);
// Role and RoleBinding kubeadm:kubeadm-certs: bootstrap tokens may get the Secret.
json certs_role();
json certs_role_binding();

// Creates the owner token, encrypts the files (a missing file is stored empty), writes the
// Secret and its RBAC. Prints upstream's "[upload-certs] Storing …" line; the key is never
// logged. Retries API calls until `timeout`.
void upload_certs(kube::Client& client, const api::ClusterConfiguration& cluster,
                  const std::string& cert_dir, const std::string& hex_key, Duration timeout);

// The join side: fetches the Secret, decrypts every entry (all or nothing), and writes each
// non-empty one where certs_to_transfer puts it (keys 0600; certificates and public keys 0644
// from v1.22, 0600 before). Throws kadm::Error with upstream's hint when the Secret is gone.
void download_certs(kube::Client& client, const api::ClusterConfiguration& cluster,
                    const std::string& cert_dir, const std::string& hex_key,
                    const versions::Release& r, Duration timeout);

}  // namespace kadm::uploadcerts
