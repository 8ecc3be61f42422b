// Starting and restarting the kubelet through the init system, as upstream kubeadm's
// initsystem package does: systemctl when it is on PATH (real systemd, or the lab's stand-in),
// nothing otherwise. Every function returns the progress lines upstream prints so that callers
// decide where they go.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kadm::host {

// Result of running a command: exit status (or -1 if it could not start) and its output.
struct CommandResult {
  int status = -1;
  std::string output;  // stdout and stderr together
  std::string error;   // why it could not start, or Go's "exit status N"
};
CommandResult run_command(const std::vector<std::string>& argv);

// Where `name` resolves on PATH (an executable regular file), looked up under `root` (a fake
// root directory in tests; the returned path includes it).
std::optional<std::string> find_on_path(const std::string& name, const std::string& root = "");
// True when `name` resolves on PATH.
bool on_path(const std::string& name);

// upstream TryStopKubelet / TryStartKubelet. `phase` is the line prefix ("kubelet-start").
std::vector<std::string> try_stop_kubelet(const std::string& phase);
// Restarts the kubelet (daemon-reload + restart). When that is impossible, the last line says
// how to start the kubelet by hand.
std::vector<std::string> try_start_kubelet(const std::string& phase);

// `systemctl is-active <unit>` says "active".
bool service_active(const std::string& unit);

// v1.20 with dockershim: `docker info -f {{.CgroupDriver}}`; "" and a warning when it fails.
std::string docker_cgroup_driver(std::string* warning);

}  // namespace kadm::host
