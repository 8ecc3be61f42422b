// Renderer for the local etcd static Pod (upstream phases/etcd/local.go). No I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "manifests/static_pod.h"

namespace kadm::manifests {

// A member already in the cluster (join); empty for init.
struct EtcdMember {
  std::string name;
  std::string peer_url;
};

std::vector<std::string> etcd_command(const Input& in,
                                      const std::vector<EtcdMember>& initial_cluster);

// The etcd Pod. Throws kadm::Error when the cluster uses external etcd.
nlohmann::json etcd_pod(const Input& in, const std::vector<EtcdMember>& initial_cluster = {});

// True when an etcd image tag ("3.6.5-0") is 3.6 or newer.
bool etcd_tag_at_least_36(const std::string& tag);

}  // namespace kadm::manifests
