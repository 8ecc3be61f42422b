#include "cli/images_pull.h"

#include "cri/endpoint.h"
#include "cri/pull.h"
#include "cri/runtime.h"
#include "images/images.h"
#include "util/log.h"
#include "versions/table.h"

namespace kadm::cli {

int pull_control_plane_images(const api::ClusterConfiguration& cluster, const api::NodeRegistrationOptions& node,
                              const std::string& cri_socket_flag) {
  const auto& release = versions::release_for(versions::resolve_version(cluster.kubernetes_version));
  std::string endpoint = !cri_socket_flag.empty() ? cri_socket_flag
                         : !node.cri_socket.empty() ? node.cri_socket
                                                    : cri::detect_endpoint(release);
  auto runtime = cri::Runtime::connect(endpoint);
  cri::PullOptions options;
  options.serial = node.image_pull_serial.value_or(false);
  auto images = images::control_plane_images(cluster);
  log::v(1, "pulling {} images through {} (CRI runtime.{}), {}", images.size(), endpoint, runtime->api_version(),
         options.serial ? "one at a time" : "in parallel");
  auto results = cri::pull_images(*runtime, images, options, [](const cri::PullResult& r) {
    if (r.ok()) log::progress("[config/images] Pulled {}", r.image);
  });
  cri::check_pulled(results, endpoint);
  return 0;
}

}  // namespace kadm::cli
