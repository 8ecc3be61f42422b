// The kubeadm.k8s.io API versions kadm reads and writes, and which kinds each one has.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kadm::api {

enum class Schema { V1alpha2, V1alpha3, V1beta1, V1beta2, V1beta3, V1beta4 };

inline constexpr const char* kGroup = "kubeadm.k8s.io";
inline constexpr const char* kKubeletGroupVersion = "kubelet.config.k8s.io/v1beta1";
inline constexpr const char* kKubeProxyGroupVersion = "kubeproxy.config.k8s.io/v1alpha1";

enum class Kind {
  Init,
  Cluster,
  Join,
  Reset,
  Upgrade,
  ClusterStatus,  // v1beta2 and older: only ever in the kubeadm-config ConfigMap
  Master,         // v1alpha2 MasterConfiguration = Init + Cluster (+ component configs)
  Node,           // v1alpha2 NodeConfiguration = Join
  Kubelet,        // kubelet.config.k8s.io/v1beta1 KubeletConfiguration
  KubeProxy,      // kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration
};

std::optional<Schema> parse_schema(const std::string& api_version);  // "kubeadm.k8s.io/v1beta3"
std::string api_version(Schema s);                                    // "kubeadm.k8s.io/v1beta3"
std::string schema_name(Schema s);                                    // "v1beta3"
std::optional<Schema> parse_schema_name(const std::string& name);     // "v1beta3"
std::string kind_name(Kind k);
std::optional<Kind> parse_kind(const std::string& kind);
bool schema_has_kind(Schema s, Kind k);
// The versions a kind exists in, for error messages ("ResetConfiguration exists only in v1beta4").
std::vector<Schema> schemas_with_kind(Kind k);

}  // namespace kadm::api
