// /var/lib/kubelet/kubeadm-flags.env (upstream phases/kubelet/flags.go): the node-specific
// kubelet flags, per release. Pure.
#pragma once

#include <string>
#include <vector>

#include "api/types.h"
#include "versions/table.h"

namespace kadm::componentconfigs {

struct KubeletFlagsInput {
  const api::NodeRegistrationOptions* node_registration = nullptr;
  std::string pause_image;
  std::string hostname;          // this machine's hostname, lower-cased
  bool register_taints = false;  // join registers taints through --register-with-taints
};

// The flags kubeadm computes before kubeletExtraArgs are applied.
std::vector<api::Arg> kubelet_default_flags(const KubeletFlagsInput& in,
                                            const versions::Release& r);

// The whole file: KUBELET_KUBEADM_ARGS="--a=b --c=d"\n (Go %q quoting).
std::string kubelet_flags_env(const KubeletFlagsInput& in, const versions::Release& r);

}  // namespace kadm::componentconfigs
