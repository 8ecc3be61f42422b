// The KubeletConfiguration kubeadm writes to /var/lib/kubelet/config.yaml (and prints with
// `config print --component-configs`): the user's document with kubeadm's defaults overlaid,
// plus the zero-value fields the Go marshaller of that release prints, so the file equals
// upstream's byte for byte. Pure: host facts come in through KubeletHostFacts.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/types.h"
#include "versions/table.h"

namespace kadm::componentconfigs {

inline constexpr const char* kKubeletAPIVersion = "kubelet.config.k8s.io/v1beta1";
inline constexpr const char* kSystemdResolvConf = "/run/systemd/resolve/resolv.conf";

struct KubeletHostFacts {
  bool systemd_resolved_active = false;
  std::string docker_cgroup_driver;  // v1.20 with dockershim: what `docker info` reported
};

// `user` is the KubeletConfiguration document from the config file (or null). Warnings use
// upstream's wording: `The recommended value for "clusterDNS" in "KubeletConfiguration" is: …`.
nlohmann::json kubelet_config(const std::optional<nlohmann::json>& user,
                              const api::ClusterConfiguration& cluster,
                              const versions::Release& release, const KubeletHostFacts& host,
                              std::vector<std::string>* warnings);

// The kubelet's cluster DNS address: the 10th IP of the (first) service subnet.
std::string cluster_dns_ip(const std::string& service_subnet);

}  // namespace kadm::componentconfigs
