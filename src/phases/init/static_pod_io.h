// The edges shared by the etcd and control-plane phases: gather what the renderers need from the
// host, apply --patches, and write the manifest atomically (0600, as upstream).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "manifests/static_pod.h"
#include "phases/init/data.h"

namespace kadm::phases {

manifests::HostView gather_host_view(const std::string& cert_dir);
manifests::Input static_pod_input(const InitData& data);
void write_static_pod(const InitData& data, const std::string& component, nlohmann::json pod);

}  // namespace kadm::phases
