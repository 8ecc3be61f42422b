// Renderers for the control-plane static Pods (upstream phases/controlplane): config in, Pod
// object out. No I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "manifests/static_pod.h"

namespace kadm::manifests {

inline constexpr const char* kAPIServer = "kube-apiserver";
inline constexpr const char* kControllerManager = "kube-controller-manager";
inline constexpr const char* kScheduler = "kube-scheduler";
inline constexpr const char* kEtcd = "etcd";

// Upstream's component names in its order (apiserver, controller-manager, scheduler).
const std::vector<std::string>& control_plane_components();

std::vector<std::string> api_server_command(const Input& in, std::vector<std::string>* warnings);
std::vector<std::string> controller_manager_command(const Input& in);
std::vector<std::string> scheduler_command(const Input& in);

// hostPath volumes per component (upstream getHostPathVolumesForTheControlPlane).
Mounts control_plane_mounts(const Input& in, const std::string& component);

// The Pod of one control-plane component; `warnings` collects what upstream logs (e.g. an
// unknown authorization mode). Throws kadm::Error for an unknown component name.
nlohmann::json control_plane_pod(const Input& in, const std::string& component,
                                 std::vector<std::string>* warnings = nullptr);

}  // namespace kadm::manifests
