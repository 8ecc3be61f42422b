// The kube-proxy addon's API objects as kubeadm of each release sends them (upstream
// phases/addons/proxy): pure builders, no I/O. v1.20 equals what kubeadm v1.20.2 creates
// (tests/fixtures/addons/v1.20); later releases differ by the version-table fields named
// kube_proxy_*.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api/types.h"
#include "versions/table.h"

namespace kadm::addons {

using json = nlohmann::json;

inline constexpr const char* kComponentConfigHashAnnotation =
    "kubeadm.kubernetes.io/component-config.hash";

struct KubeProxyInput {
  // The KubeProxyConfiguration (componentconfigs::kube_proxy_config) and whether the user wrote
  // it: only a kubeadm-generated config carries the hash annotation (reference §3.4).
  json config;
  bool user_supplied = false;
  // "https://<controlPlaneEndpoint or advertiseAddress:bindPort>".
  std::string server;
  // The *_proxy variables of kadm's environment, in environ order: upstream hands them to the
  // kube-proxy container.
  std::vector<std::pair<std::string, std::string>> proxy_env;
};

struct KubeProxyObjects {
  json service_account;
  json config_map;
  json daemon_set;
  json cluster_role_binding;  // kubeadm:node-proxier
  json role;                  // kube-proxy: get on ConfigMap kube-proxy
  json role_binding;          // kube-proxy: bootstrap tokens
};

KubeProxyObjects kube_proxy_objects(const api::ClusterConfiguration& cluster,
                                    const versions::Release& r, const KubeProxyInput& in);

// "sha256:<hex>" over the ConfigMap's data values in key order, then binaryData's (upstream
// componentconfigs.ChecksumForConfigMap).
std::string config_map_hash(const json& config_map);

// The *_proxy variables of an environ-style list ("NAME=value"): names ending in "_proxy" in any
// case, non-empty values, in the list's order.
std::vector<std::pair<std::string, std::string>> proxy_env_vars(
    const std::vector<std::string>& environ);

}  // namespace kadm::addons
