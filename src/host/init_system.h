// The init system as upstream kubeadm's initsystem package drives it: systemd through systemctl
// when it is on PATH (real systemd, or the lab's stand-in), OpenRC through rc-service, nothing
// otherwise. Everything goes through host::Machine so tests see the commands instead of running
// them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "host/machine.h"

namespace kadm::host {

class InitSystem {
 public:
  virtual ~InitSystem() = default;
  virtual bool exists(const std::string& service) = 0;
  virtual bool enabled(const std::string& service) = 0;
  virtual bool active(const std::string& service) = 0;
  virtual std::string stop(const std::string& service) = 0;     // "" or why it failed
  virtual std::string restart(const std::string& service) = 0;  // "" or why it failed
  virtual std::string enable_command(const std::string& service) const = 0;
  // The read-only commands exists() and enabled() run (the Service-<name> preflight check), for a
  // caller that starts them ahead of the check.
  virtual std::vector<std::vector<std::string>> service_queries(const std::string& service) const = 0;
};

// nullptr and `why` ("no supported init system detected, skipping checking for services") when
// neither systemctl nor openrc is on PATH.
std::unique_ptr<InitSystem> detect_init_system(Machine& m, std::string* why);

}  // namespace kadm::host
