// Facts about this machine that defaulting and preflight need: hostname, the default-route
// address, container runtime sockets; and this process's CPU priority.
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

// While alive, the thread that made it runs at the lowest CPU priority (nice 19), so that a
// process it has just started gets the cores first; its priority comes back afterwards. Without
// the right to change priorities this does nothing.
class LowPriority {
 public:
  LowPriority();
  ~LowPriority();
  LowPriority(const LowPriority&) = delete;
  LowPriority& operator=(const LowPriority&) = delete;

 private:
  int tid_;
  int previous_ = 0;
  bool lowered_ = false;
};

}  // namespace kadm::host
