// Building blocks of kubeadm's static Pods (upstream util/staticpod): the Pod skeleton, probes,
// hostPath volumes, and component arguments. Pure: everything the host contributes (which CA
// directories exist, proxy variables, an external CA) arrives in HostView.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/types.h"
#include "util/duration.h"
#include "versions/table.h"

namespace kadm::manifests {

// What the renderers need to know about the machine, gathered once by the phases (host/).
struct HostView {
  std::vector<std::pair<std::string, std::string>> environ;  // process environment, in order
  std::set<std::string> existing_paths;  // those of kCACertsExtraPaths that exist on the host
  bool external_ca = false;              // ca.crt present without ca.key
};

// Optional CA directories upstream mounts into kube-apiserver and kube-controller-manager when
// they exist on the host.
extern const std::vector<std::string> kCACertsExtraPaths;

// Everything one render needs: the defaulted configuration and its release.
struct Input {
  const api::ClusterConfiguration* cluster = nullptr;
  api::APIEndpoint endpoint;  // this node's advertise address and bind port
  std::string node_name;
  Duration health_check_timeout = std::chrono::minutes(4);  // sets the startup probe threshold
  const versions::Release* release = nullptr;
  HostView host;
};

// kubeadm's ArgumentsToCommand: overrides replace every default of the same name, the union is
// sorted by name then value, duplicates in the overrides are kept (v1beta4).
std::vector<std::string> arguments_to_command(const std::vector<api::Arg>& defaults,
                                              const std::vector<api::Arg>& overrides);
// SetArgValues(args, name, value, 1): replaces the first `name` or appends it.
void set_arg(std::vector<api::Arg>& args, const std::string& name, const std::string& value);
// The last value of `name` in `args` (GetArgValue(…, -1)).
std::optional<std::string> arg_value(const std::vector<api::Arg>& args, const std::string& name);

struct Probe {
  std::string host;
  std::string path;
  int port = 0;
  std::string scheme;  // "HTTP" or "HTTPS"
};
nlohmann::json liveness_probe(const Probe& p);
nlohmann::json readiness_probe(const Probe& p);
nlohmann::json startup_probe(const Probe& p, Duration timeout);

// hostPath volumes and their mounts, keyed by name as upstream's maps are (a later volume with
// the same name replaces the earlier one); rendered sorted by name.
struct Mount {
  std::string name, host_path, mount_path, type;  // type "" renders as `type: ""`
  bool read_only = false;
};
using Mounts = std::map<std::string, Mount>;
nlohmann::json volumes_json(const Mounts& m);
nlohmann::json volume_mounts_json(const Mounts& m);

// Proxy variables (*_proxy, any case, non-empty) from the environment, merged with extraEnvs
// (later wins); sorted by name from v1.31 on, environ order before.
nlohmann::json component_env(const Input& in, const std::vector<api::EnvVar>& extra, bool proxies);

// ComponentPod: the Pod around one container.
nlohmann::json component_pod(const Input& in, nlohmann::json container, const Mounts& mounts,
                             const std::map<std::string, std::string>& annotations);

// "" (no host: the node's address) for unspecified addresses, else the address (getProbeAddress).
std::string probe_address(const std::string& addr);

}  // namespace kadm::manifests
