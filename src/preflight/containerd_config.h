// Edits of containerd's /etc/containerd/config.toml that --fix makes, as text edits that keep
// the user's comments and layout: the runc cgroup driver (SystemdCgroup), the sandbox (pause)
// image and a registry mirror. Config format version 2 (containerd 1.x) is fully handled; version
// 3 (containerd 2.x) for the cgroup driver and the sandbox image; anything else is reported as
// not touched.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kadm::preflight {

struct ContainerdEdits {
  std::optional<bool> systemd_cgroup;  // runc options SystemdCgroup
  std::string sandbox_image;           // "" = leave alone
  // Pull images named `mirror_registry/...` from `mirror_endpoint` (an https URL; a path such as
  // "/v2/google_containers" maps onto a mirror that keeps images under a prefix).
  std::string mirror_registry;
  std::string mirror_endpoint;
};

struct ContainerdResult {
  std::string config;                          // the new config.toml text
  std::map<std::string, std::string> files;    // extra files (hosts.toml under config_path)
  std::vector<std::string> changes;            // one line per change made
  std::vector<std::string> untouched;          // what could not be edited, and why
};

ContainerdResult edit_containerd_config(const std::string& toml, const ContainerdEdits& edits);

// Reads `key` in table `table` (dotted header as written in the file, e.g.
// plugins."io.containerd.grpc.v1.cri"); nullopt when absent. The value is returned as written
// (strings keep their quotes).
std::optional<std::string> toml_get(const std::string& toml, const std::string& table, const std::string& key);

// The config format version ("version = 2"), 1 when absent.
int containerd_config_version(const std::string& toml);

}  // namespace kadm::preflight
