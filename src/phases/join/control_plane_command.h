// A working control-plane join command in one step (kubeadm#2656): for
// `kadm token create --print-join-command --control-plane`. The token command (src/cli/
// cmd_token.cc) calls this, then prints tokens::join_command_line(kubeconfig, token, key).
#pragma once

#include <string>

#include "kube/client.h"
#include "util/duration.h"

namespace kadm::phases::join {

// Reads the ClusterConfiguration from kube-system/kubeadm-config with `admin`, makes a new
// certificate key, and uploads this control-plane node's shared certificates (certificatesDir of
// the cluster, or `cert_dir` when given) into the kubeadm-certs Secret encrypted with it (valid 2
// h, as `kadm init phase upload-certs --upload-certs`). Returns the key. Throws kadm::Error, before
// uploading anything, when a control-plane join could not work: no controlPlaneEndpoint, an
// external CA (no ca.key here), or missing shared files.
std::string upload_certs_for_control_plane_join(kube::Client& admin, const std::string& cert_dir,
                                                Duration timeout);

}  // namespace kadm::phases::join
