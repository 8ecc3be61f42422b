#include "api/print_defaults.h"

#include <fmt/format.h>

#include "api/defaults.h"
#include "api/encode.h"

namespace kadm::api {
namespace {

// kubeadm's CurrentKubernetesVersion as `config print` shows it: "v1.X.0" up to v1.21, "1.X.0"
// from v1.22 on.
std::string printed_version(const versions::Release& r) {
  std::string v = fmt::format("{}.{}.0", versions::kMajor, r.minor);
  return r.print_defaults_dynamic ? "v" + v : v;
}

}  // namespace

ConfigSet print_init_defaults(const versions::Release& r, const std::string& hostname) {
  ConfigSet set;
  ClusterConfiguration c;
  c.kubernetes_version = printed_version(r);
  InitConfiguration i;
  BootstrapToken token;
  token.token = kPlaceholderToken;
  i.bootstrap_tokens.push_back(token);
  i.local_api_endpoint.advertise_address = kPlaceholderAdvertiseAddress;
  i.node_registration.cri_socket = r.default_cri_socket;
  if (r.print_defaults_dynamic) {
    // v1.21 and older ran dynamic defaulting for this printout: host name and master taint.
    i.node_registration.name = hostname;
    std::vector<Taint> taints;
    for (const auto& key : r.control_plane_taints) taints.push_back({key, "", "NoSchedule", ""});
    i.node_registration.taints = taints;
  } else {
    i.node_registration.name = kPlaceholderNodeName;
  }
  set.cluster = c;
  set.init = i;
  set_defaults(set);
  return set;
}

ConfigSet print_join_defaults(const versions::Release& r, const std::string& hostname) {
  ConfigSet set;
  JoinConfiguration j;
  BootstrapTokenDiscovery b;
  b.token = kPlaceholderToken;
  b.api_server_endpoint = kPlaceholderJoinEndpoint;
  b.unsafe_skip_ca_verification = true;
  j.discovery.bootstrap_token = b;
  j.node_registration.cri_socket = r.default_cri_socket;
  j.node_registration.name = hostname;  // join-defaults always detected the host name
  set.join = j;
  set_defaults(*set.join, r);
  return set;
}

std::vector<nlohmann::json> print_documents(const ConfigSet& set, Schema schema) {
  return encode_set(set, schema, nullptr);
}

}  // namespace kadm::api
