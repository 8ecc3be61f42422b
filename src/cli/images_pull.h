// `kadm config images pull`: pulls the control plane images through the container runtime's CRI
// socket (no crictl), in parallel unless the configuration sets imagePullSerial.
#pragma once

#include <string>

#include "api/types.h"

namespace kadm::cli {

// `cluster` is the defaulted ClusterConfiguration the images are named from; `node` the
// InitConfiguration/JoinConfiguration node registration as the file wrote it (not defaulted:
// an absent imagePullSerial means parallel); `cri_socket_flag` the --cri-socket value. Prints
// "[config/images] Pulled <image>" as each image arrives; throws kadm::Error naming every image
// that failed.
int pull_control_plane_images(const api::ClusterConfiguration& cluster, const api::NodeRegistrationOptions& node,
                              const std::string& cri_socket_flag);

}  // namespace kadm::cli
