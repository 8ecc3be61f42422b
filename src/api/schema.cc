#include "api/schema.h"

#include <array>

namespace kadm::api {

namespace {
struct SchemaInfo {
  Schema schema;
  const char* name;
};
constexpr std::array<SchemaInfo, 6> kSchemas = {{{Schema::V1alpha2, "v1alpha2"},
                                                 {Schema::V1alpha3, "v1alpha3"},
                                                 {Schema::V1beta1, "v1beta1"},
                                                 {Schema::V1beta2, "v1beta2"},
                                                 {Schema::V1beta3, "v1beta3"},
                                                 {Schema::V1beta4, "v1beta4"}}};

struct KindInfo {
  Kind kind;
  const char* name;
};
constexpr std::array<KindInfo, 10> kKinds = {{{Kind::Init, "InitConfiguration"},
                                              {Kind::Cluster, "ClusterConfiguration"},
                                              {Kind::Join, "JoinConfiguration"},
                                              {Kind::Reset, "ResetConfiguration"},
                                              {Kind::Upgrade, "UpgradeConfiguration"},
                                              {Kind::ClusterStatus, "ClusterStatus"},
                                              {Kind::Master, "MasterConfiguration"},
                                              {Kind::Node, "NodeConfiguration"},
                                              {Kind::Kubelet, "KubeletConfiguration"},
                                              {Kind::KubeProxy, "KubeProxyConfiguration"}}};
}  // namespace

std::optional<Schema> parse_schema_name(const std::string& name) {
  for (const auto& s : kSchemas)
    if (name == s.name) return s.schema;
  return std::nullopt;
}

std::optional<Schema> parse_schema(const std::string& api_version) {
  std::string prefix = std::string(kGroup) + "/";
  if (api_version.rfind(prefix, 0) != 0) return std::nullopt;
  return parse_schema_name(api_version.substr(prefix.size()));
}

std::string schema_name(Schema s) {
  for (const auto& info : kSchemas)
    if (info.schema == s) return info.name;
  return "?";
}

std::string api_version(Schema s) { return std::string(kGroup) + "/" + schema_name(s); }

std::string kind_name(Kind k) {
  for (const auto& info : kKinds)
    if (info.kind == k) return info.name;
  return "?";
}

std::optional<Kind> parse_kind(const std::string& kind) {
  for (const auto& info : kKinds)
    if (kind == info.name) return info.kind;
  return std::nullopt;
}

bool schema_has_kind(Schema s, Kind k) {
  switch (k) {
    case Kind::Master:
    case Kind::Node:
      return s == Schema::V1alpha2;
    case Kind::Init:
    case Kind::Cluster:
    case Kind::Join:
      return s != Schema::V1alpha2;
    case Kind::ClusterStatus:
      return s == Schema::V1alpha3 || s == Schema::V1beta1 || s == Schema::V1beta2;
    case Kind::Reset:
    case Kind::Upgrade:
      return s == Schema::V1beta4;
    case Kind::Kubelet:
    case Kind::KubeProxy:
      return false;  // not kubeadm.k8s.io kinds
  }
  return false;
}

std::vector<Schema> schemas_with_kind(Kind k) {
  std::vector<Schema> out;
  for (const auto& s : kSchemas)
    if (schema_has_kind(s.schema, k)) out.push_back(s.schema);
  return out;
}

}  // namespace kadm::api
