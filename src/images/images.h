// The container images a control plane needs, named exactly as upstream kubeadm names them for
// the configured Kubernetes version and image repository.
#pragma once

#include <string>
#include <vector>

#include "api/types.h"

namespace kadm::images {

// Image names by component; each honours imageRepository and the per-component overrides.
std::string kubernetes_image(const api::ClusterConfiguration& c, const std::string& component);
std::string etcd_image(const api::ClusterConfiguration& c);
std::string dns_image(const api::ClusterConfiguration& c);
std::string pause_image(const api::ClusterConfiguration& c);

// The list `kubeadm config images list` prints, in upstream's order for the version. `c` must
// be defaulted (kubernetesVersion resolved).
std::vector<std::string> control_plane_images(const api::ClusterConfiguration& c);

}  // namespace kadm::images
