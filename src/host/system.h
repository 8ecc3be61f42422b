// Facts about this machine that defaulting and preflight need: hostname, the default-route
// address, container runtime sockets.
#pragma once

#include <string>
#include <vector>

namespace kadm::host {

// The kernel's hostname, lower-cased as kubeadm does for node names.
std::string hostname();

// The first global unicast address of the interface that carries the default route (IPv4 first,
// then IPv6), like kubeadm's ChooseHostInterface. "" when there is no default route.
std::string default_route_ip();

// Known CRI endpoints (as unix:// URLs) whose socket exists. `root` prefixes the paths (tests).
std::vector<std::string> existing_cri_sockets(const std::vector<std::string>& candidates,
                                              const std::string& root = "");

}  // namespace kadm::host
