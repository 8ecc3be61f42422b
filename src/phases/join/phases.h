// The phases of `kadm join`, one file each, named as upstream names them (reference §4.1,
// docs/version-facts.md §6.10). One list serves every release: phases that only some releases
// run carry a run_if that asks the version table.
#pragma once

#include <string>
#include <vector>

#include "phases/join/data.h"
#include "workflow/phase.h"

namespace kadm::phases::join {

workflow::Phase preflight_phase();               // preflight.cc
workflow::Phase control_plane_prepare_phase();   // control_plane_prepare.cc
workflow::Phase check_etcd_phase();              // check_etcd.cc
workflow::Phase kubelet_start_phase();           // kubelet_start.cc
workflow::Phase etcd_join_phase();               // etcd_join.cc
workflow::Phase kubelet_wait_bootstrap_phase();  // kubelet_start.cc
workflow::Phase control_plane_join_phase();      // control_plane_join.cc
workflow::Phase wait_control_plane_phase();      // wait_control_plane.cc
workflow::Phase tls_bootstrap_phase();           // tls_bootstrap.cc (kadm, hidden)

// Every phase in the newest release's order; each decides per release whether it runs.
std::vector<workflow::Phase> join_phases();

// Shared steps.
// Waits until the kubelet has its client certificate (kubelet.conf usable), then until its Node
// exists, annotating it with the CRI socket where the release does; removes
// bootstrap-kubelet.conf. Returns how long the kubelet took (the "wait" part of a join).
Duration wait_tls_bootstrap(JoinData& d);
// Adds this node's etcd member and writes its static Pod, waits for the cluster (etcd.cc).
void join_etcd(JoinData& d);
// Writes a static Pod manifest of this node, after --patches (control_plane_prepare.cc).
void write_join_static_pod(JoinData& d, const std::string& component, nlohmann::json pod);

// The kubelet ControlPlaneKubeletLocalMode (kubelet.conf of a control-plane node points at its
// local API server) is on for this cluster.
bool kubelet_local_mode(JoinData& d);
// The final message of a join (upstream's text for the release).
void print_join_done(JoinData& d);

}  // namespace kadm::phases::join
