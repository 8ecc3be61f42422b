// reset phase update-cluster-status (v1.22 and older; upstream uploadconfig.ResetClusterStatusForNode):
// a control-plane node takes itself out of kubeadm-config's ClusterStatus.apiEndpoints. Up to v1.21
// the ConfigMap carries a ClusterStatus; in v1.22 the phase exists but does nothing.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "api/yaml_reader.h"
#include "kube/apply.h"
#include "phases/reset/data.h"
#include "util/error.h"
#include "util/log.h"
#include "util/yaml_emit.h"

namespace kadm::phases::reset {

void run_update_cluster_status(ResetData& d) {
  if (!d.release().cluster_status) return;
  if (!d.machine().exists(d.manifests_dir() + "/kube-apiserver.yaml")) return;  // not a control-plane node
  if (!d.client() || !d.cluster_status) return;  // no cluster configuration to update
  std::string node = d.node_name;
  if (d.dry_run()) {
    log::progress("[reset] Would remove info for node \"{}\" from the ConfigMap \"kubeadm-config\" in the \"kube-system\" Namespace", node);
    return;
  }
  log::progress("[reset] Removing info for node \"{}\" from the ConfigMap \"kubeadm-config\" in the \"kube-system\" Namespace", node);
  kube::json cm = {{"apiVersion", "v1"},
                   {"kind", "ConfigMap"},
                   {"metadata", kube::meta("kubeadm-config", "kube-system")},
                   {"data", kube::json::object()}};
  try {
    kube::create_or_mutate(*d.client(), cm, [&](kube::json& obj) {
      auto& data = obj["data"];
      if (!data.contains("ClusterStatus") || !data["ClusterStatus"].is_string())
        throw Error("the kubeadm-config ConfigMap has no ClusterStatus");
      auto status = api::to_json(YAML::Load(data["ClusterStatus"].get<std::string>()));
      if (!status.contains("apiEndpoints") || !status["apiEndpoints"].is_object())
        throw Error("APIEndpoints from ConfigMap \"kubeadm-config\" in the \"kube-system\" Namespace is nil");
      status["apiEndpoints"].erase(node);
      data["ClusterStatus"] = yaml::emit(status);
    }, std::chrono::seconds(40));
  } catch (const Error& e) {
    log::warning(fmt::format("[reset] failed to remove node \"{}\" from the ClusterStatus: {}", node, e.what()));
    d.left_behind.push_back(fmt::format(
        "kubeadm-config ClusterStatus still lists {}: {} (remove it with 'kubectl -n kube-system edit cm kubeadm-config')",
        node, e.what()));
  }
}

}  // namespace kadm::phases::reset
