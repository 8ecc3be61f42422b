// The KubeProxyConfiguration kubeadm generates for the kube-proxy addon and prints with
// `config print --component-configs`: the user's document with kubeadm's defaults overlaid and
// the zero-value fields the Go marshaller prints. Exact for v1.20 (compared with the upstream
// binary); later releases add fields listed in kube_proxy.cc from the types' history.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/types.h"
#include "versions/table.h"

namespace kadm::componentconfigs {

inline constexpr const char* kKubeProxyAPIVersion = "kubeproxy.config.k8s.io/v1alpha1";

nlohmann::json kube_proxy_config(const std::optional<nlohmann::json>& user,
                                 const api::ClusterConfiguration& cluster,
                                 const std::string& advertise_address,
                                 const versions::Release& release,
                                 std::vector<std::string>* warnings);

}  // namespace kadm::componentconfigs
