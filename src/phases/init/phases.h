// The phases of `kadm init`, one file each, named as upstream names them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/types.h"
#include "kube/client.h"
#include "versions/table.h"
#include "workflow/phase.h"

namespace kadm::phases {

// Each returns the phase with its sub-phases, flags and run function.
workflow::Phase certs_phase();          // certs.cc
workflow::Phase kubeconfig_phase();     // kubeconfig.cc
workflow::Phase etcd_phase();           // etcd.cc
workflow::Phase control_plane_phase();  // control_plane.cc
workflow::Phase kubelet_start_phase();  // kubelet_start.cc
workflow::Phase wait_control_plane_phase();  // wait_control_plane.cc
workflow::Phase upload_config_phase();       // upload_config.cc
workflow::Phase mark_control_plane_phase();  // mark_control_plane.cc
workflow::Phase bootstrap_token_phase();     // bootstrap_token.cc
workflow::Phase kubelet_finalize_phase();    // kubelet_finalize.cc
workflow::Phase show_join_command_phase();   // show_join_command.cc
workflow::Phase upload_certs_phase();        // upload_certs.cc
workflow::Phase addon_phase();               // addons.cc

// Labels and taints of a control-plane node (init and control-plane join).
void mark_control_plane(kube::Client& client, const std::string& node, const versions::Release& r,
                        const std::optional<std::vector<api::Taint>>& configured, Duration timeout);

// What the join commands are made of, read from admin.conf.
struct JoinInfo {
  std::string endpoint;  // host:port
  std::vector<std::string> ca_cert_hashes;
  std::string token;
  std::string certificate_key;
  bool control_plane_endpoint_set = false;
};
class InitData;
JoinInfo join_info(InitData& d);
// The success banner, or the -o json|yaml result document.
void print_join_banner(InitData& d);
// "kadm join <endpoint> --token …" with one flag per line, laid out as upstream does.
std::string join_command(const JoinInfo& j, bool control_plane, bool with_key, bool withhold_token,
                         bool withhold_key);

// The init phases in the order of the target release: v1.27 and older ran kubelet-start before
// the control-plane and etcd manifests; v1.25+ has a show-join-command phase.
std::vector<workflow::Phase> init_phases(const versions::Release& r);

}  // namespace kadm::phases
