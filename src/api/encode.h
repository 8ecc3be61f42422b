// Encoding the internal model as kubeadm.k8s.io documents of a chosen version, with upstream's
// field names and omitempty rules, so printed YAML equals what kubeadm prints.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/decode.h"
#include "api/schema.h"
#include "api/types.h"

namespace kadm::api {

// Fields that have no place in the target version are listed here instead of being dropped
// silently ("apiServer.extraEnvs: v1beta3 has no such field").
struct EncodeReport {
  std::vector<std::string> lost;
};

nlohmann::json encode_init(const InitConfiguration& c, Schema s, EncodeReport* report = nullptr,
                           const ClusterConfiguration* cluster = nullptr);
nlohmann::json encode_cluster(const ClusterConfiguration& c, Schema s,
                              EncodeReport* report = nullptr,
                              const InitConfiguration* init = nullptr);
nlohmann::json encode_join(const JoinConfiguration& c, Schema s, EncodeReport* report = nullptr);
nlohmann::json encode_reset(const ResetConfiguration& c, Schema s, EncodeReport* report = nullptr);
nlohmann::json encode_upgrade(const UpgradeConfiguration& c, Schema s,
                              EncodeReport* report = nullptr);

// All documents of a set in kubeadm's order (Init, Cluster, Join, Reset, Upgrade, then the
// component configs). Kinds the target version lacks are reported as lost.
std::vector<nlohmann::json> encode_set(const ConfigSet& set, Schema s, EncodeReport* report);

}  // namespace kadm::api
