#include "phases/join/control_plane_command.h"

#include <fmt/format.h>

#include "api/decode.h"
#include "api/defaults.h"
#include "host/fs.h"
#include "uploadcerts/uploadcerts.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases::join {

std::string upload_certs_for_control_plane_join(kube::Client& admin, const std::string& cert_dir,
                                                Duration timeout) {
  auto r = admin.get(kube::Ref{"v1", "configmaps", "kube-system", "kubeadm-config"});
  if (!r.status.ok())
    throw Error(
        fmt::format("unable to fetch the kubeadm-config ConfigMap: {}", r.status.describe()),
        "run this on a control-plane node with its admin kubeconfig");
  const auto data = r.object.value("data", kube::json::object());
  if (!data.contains("ClusterConfiguration") || !data["ClusterConfiguration"].is_string())
    throw Error("the kubeadm-config ConfigMap has no ClusterConfiguration");
  auto set = api::load_config_text(data["ClusterConfiguration"].get<std::string>(),
                                   "kubeadm-config ConfigMap (kube-system)");
  if (!set.cluster) throw Error("the kubeadm-config ConfigMap holds no ClusterConfiguration");
  api::set_defaults(set);
  const auto& cluster = *set.cluster;
  if (cluster.control_plane_endpoint.empty())
    throw Error(
        "unable to add a new control plane instance to a cluster that doesn't have a stable "
        "controlPlaneEndpoint address",
        "a control-plane join command only works for clusters created with "
        "--control-plane-endpoint");
  std::string dir = cert_dir.empty() ? cluster.certificates_dir : cert_dir;
  std::string missing;
  for (const auto& f : uploadcerts::certs_to_transfer(cluster, dir))
    if (!host::exists(f.path)) missing += (missing.empty() ? "" : ", ") + f.path;
  if (!missing.empty())
    throw Error(fmt::format("cannot upload the control-plane certificates: missing {}", missing),
                "run this on a control-plane node that holds the cluster's CA keys (not with an "
                "external CA)");
  std::string key = uploadcerts::create_certificate_key();
  uploadcerts::upload_certs(admin, cluster, dir, key, timeout);
  return key;
}

}  // namespace kadm::phases::join
