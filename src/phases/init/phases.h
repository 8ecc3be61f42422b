// The phases of `kadm init`, one file each, named as upstream names them.
#pragma once

#include "workflow/phase.h"

namespace kadm::phases {

// Each returns the phase with its sub-phases, flags and run function.
workflow::Phase certs_phase();          // certs.cc
workflow::Phase kubeconfig_phase();     // kubeconfig.cc
workflow::Phase etcd_phase();           // etcd.cc
workflow::Phase control_plane_phase();  // control_plane.cc
workflow::Phase kubelet_start_phase();  // kubelet_start.cc

// The init phases in the order of the target release (v1.27 and older ran kubelet-start before
// the control-plane and etcd manifests).
std::vector<workflow::Phase> init_phases(bool kubelet_start_first);

}  // namespace kadm::phases
