// The kubeconfig files `kadm init` writes (upstream phases/kubeconfig): which files a release
// has, each one's identity and API server URL, and the reuse rule for files already on disk
// (same CA and server URL, client certificate signed by that CA; otherwise an error naming the
// file).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/types.h"
#include "kubeconfig/kubeconfig.h"
#include "pki/cert.h"
#include "pki/certlist.h"
#include "pki/keypool.h"
#include "versions/table.h"

namespace kadm::kubeconfig {

inline constexpr const char* kAdmin = "admin.conf";
inline constexpr const char* kSuperAdmin = "super-admin.conf";
inline constexpr const char* kKubelet = "kubelet.conf";
inline constexpr const char* kControllerManager = "controller-manager.conf";
inline constexpr const char* kScheduler = "scheduler.conf";

struct FileSpec {
  std::string file_name;    // "admin.conf"
  std::string client_name;  // CN and kubeconfig user name
  std::vector<std::string> organizations;
  std::string server;  // https://host:port
};

// The files `init phase kubeconfig all` writes for this release, in upstream's order.
std::vector<std::string> init_file_names(const versions::Release& r);

// "https://<controlPlaneEndpoint or advertiseAddress>:<port>" (upstream GetControlPlaneEndpoint)
// and "https://<advertiseAddress>:<bindPort>" (GetLocalAPIEndpoint). Throw naming the field.
std::string control_plane_url(const api::InitConfiguration& init,
                              const api::ClusterConfiguration& cluster);
std::string local_api_url(const api::InitConfiguration& init);

// True when the kubeadm feature gate is on (explicitly, or by the release's default).
bool feature_enabled(const api::ClusterConfiguration& cluster, const versions::Release& r,
                     const std::string& gate);

FileSpec file_spec(const std::string& file_name, const api::InitConfiguration& init,
                   const api::ClusterConfiguration& cluster, const versions::Release& r);

enum class Outcome { kWritten, kReused };

// Writes <dir>/<file> unless it exists; an existing file must match (see above). `ca_key` may be
// absent (external CA): then the file must already exist.
Outcome ensure_file(const std::string& dir, const FileSpec& spec, const std::string& cluster_name,
                    const pki::Certificate& ca, const std::optional<pki::Key>& ca_key,
                    const pki::PkiInputs& in, pki::KeyPool& pool);

// Checks an existing kubeconfig file against the expected CA and server. Throws naming it.
void check_file(const std::string& path, const std::string& server, const pki::Certificate& ca);

// A kubeconfig with a new client certificate for `client_name` / `orgs` signed by the CA.
Config client_cert_config(const FileSpec& spec, const std::string& cluster_name,
                          const pki::Certificate& ca, const pki::Key& ca_key,
                          const pki::PkiInputs& in, const pki::Key& client_key);

// Key-pool entry for a kubeconfig file's client key.
std::string pool_name(const std::string& file_name);

}  // namespace kadm::kubeconfig
