// kadm's --fix: repairs what preflight finds and what every kubeadm guide does by hand
// (kubeadm#1062, kubernetes#67431, kubeadm#2607), idempotently, printing each change before it
// is made: swap off now and at boot, the forwarding and bridge-netfilter sysctls and the
// br_netfilter/overlay modules persistently, and containerd's cgroup driver, sandbox image and
// registry mirror aligned with the kubelet and imageRepository. Firewall rules and the hostname
// are never touched; the plan says what to do about them instead.
//
// Planning is pure reading (host::Machine reads only); applying writes files atomically and runs
// commands through the same Machine, so tests run both against a fake root.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <string>
#include <vector>

#include "host/machine.h"

namespace kadm::preflight {

struct FixInputs {
  std::string cgroup_driver = "cgroupfs";  // the kubelet's (KubeletConfiguration.cgroupDriver)
  std::string cri_socket;                  // containerd fixes only when this is containerd's
  std::string sandbox_image;               // kubeadm's pause image for the cluster ("" = skip)
  std::string image_repository;            // imageRepository as configured ("" = skip the mirror)
  std::string default_registry;            // the release's default registry
  bool ipv4 = true;
  bool ipv6 = false;
  std::string node_name;                   // for the hostname hint
  std::vector<int> ports;                  // for the firewall hint
};

struct Change {
  std::string title;                 // what and why, printed before the change is made
  std::vector<std::string> command;  // a command to run, or
  std::string path;                  // a file to write atomically
  std::string content;
  mode_t mode = 0644;
  bool best_effort = false;          // a failure is reported but does not count as one
  std::vector<std::string> repairs;  // preflight check names this change repairs
};

struct FixPlan {
  std::vector<Change> changes;
  std::vector<std::string> fine;       // what was checked and needs nothing
  std::vector<std::string> untouched;  // what kadm will not change, with what to do
};

// Files --fix owns (one source of truth for tests and docs).
inline constexpr const char* kSysctlFile = "/etc/sysctl.d/99-kadm-kubernetes.conf";
inline constexpr const char* kModulesFile = "/etc/modules-load.d/kadm-kubernetes.conf";
inline constexpr const char* kContainerdConfig = "/etc/containerd/config.toml";

FixPlan plan_fixes(host::Machine& m, const FixInputs& in);

// Prints every change ("[fix] …") and, unless dry_run, makes it. Returns the number of changes
// that failed (each reported on `out`).
int apply_fixes(host::Machine& m, const FixPlan& plan, bool dry_run, std::FILE* out = stdout);

// The check names the plan's changes repair (for --fix --dry-run, where those checks may still
// fail: they are reported as warnings that --fix would repair them).
std::vector<std::string> repaired_checks(const FixPlan& plan);

}  // namespace kadm::preflight
