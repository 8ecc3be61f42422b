// Which preflight checks run, per command and release, in upstream's order (RunInitNodeChecks,
// RunJoinNodeChecks, RunRootCheckOnly, RunPullImagesCheck). Join's preflight phase (src/phases/
// join) calls join_checks / init_checks(secondary) with its configuration; init and reset call
// theirs. Every version difference comes from versions::Release.
#pragma once

#include <string>
#include <vector>

#include "api/types.h"
#include "preflight/check.h"
#include "versions/table.h"

namespace kadm::preflight {

// The ports of a control-plane node's components (besides the API server's bind port), which the
// Port-N checks look at.
inline constexpr int kKubeletPort = 10250;
inline constexpr int kSchedulerPort = 10259;
inline constexpr int kControllerManagerPort = 10257;
inline constexpr int kEtcdClientPort = 2379;
inline constexpr int kEtcdPeerPort = 2380;

// Paths the checks look at; tests and --dry-run never need others, but they are data.
struct Paths {
  std::string kubernetes_dir = "/etc/kubernetes";
  std::string manifests_dir = "/etc/kubernetes/manifests";
};

// True for Docker's sockets (dockershim), which bring the Docker-only checks on v1.23 and older.
bool is_docker_socket(const std::string& cri_socket);

// The first check every command runs on its own, failing fast (RunRootCheckOnly).
std::vector<Check> root_checks();

struct InitInputs {
  const api::InitConfiguration& init;
  const api::ClusterConfiguration& cluster;
  const versions::Release& release;
  std::string kubernetes_version;  // resolved, "v1.20.2"
  // Control-plane join runs the init checks minus the common ones, and skips the external etcd
  // client files when it downloads certificates.
  bool secondary_control_plane = false;
  bool download_certs = false;
  Paths paths{};
};
std::vector<Check> init_checks(const InitInputs& in);

struct JoinInputs {
  const api::JoinConfiguration& join;
  const versions::Release& release;
  Paths paths{};
};
std::vector<Check> join_checks(const JoinInputs& in);

// The ImagePull check over the control-plane images of `cluster` (RunPullImagesCheck).
std::vector<Check> pull_images_checks(const api::ClusterConfiguration& cluster,
                                      const api::NodeRegistrationOptions& node);

}  // namespace kadm::preflight
