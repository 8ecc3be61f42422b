#include "manifests/static_pod.h"

#include <algorithm>
#include <cmath>

namespace kadm::manifests {

using nlohmann::json;

const std::vector<std::string> kCACertsExtraPaths = {"/etc/pki", "/usr/share/ca-certificates",
                                                     "/usr/local/share/ca-certificates",
                                                     "/etc/ca-certificates"};

std::vector<std::string> arguments_to_command(const std::vector<api::Arg>& defaults,
                                              const std::vector<api::Arg>& overrides) {
  std::vector<api::Arg> args = overrides;
  std::set<std::string> overridden;
  for (const auto& a : overrides) overridden.insert(a.name);
  for (const auto& a : defaults)
    if (!overridden.count(a.name)) args.push_back(a);
  std::stable_sort(args.begin(), args.end(), [](const api::Arg& a, const api::Arg& b) {
    return a.name == b.name ? a.value < b.value : a.name < b.name;
  });
  std::vector<std::string> out;
  out.reserve(args.size());
  for (const auto& a : args) out.push_back("--" + a.name + "=" + a.value);
  return out;
}

void set_arg(std::vector<api::Arg>& args, const std::string& name, const std::string& value) {
  for (auto& a : args)
    if (a.name == name) {
      a.value = value;
      return;
    }
  args.push_back({name, value});
}

std::optional<std::string> arg_value(const std::vector<api::Arg>& args, const std::string& name) {
  std::optional<std::string> v;
  for (const auto& a : args)
    if (a.name == name) v = a.value;
  return v;
}

static json http_get(const Probe& p) {
  json j{{"path", p.path}, {"port", p.port}, {"scheme", p.scheme}};
  if (!p.host.empty()) j["host"] = p.host;  // empty: the kubelet probes the Pod IP (host network)
  return j;
}

json liveness_probe(const Probe& p) {
  return json{{"httpGet", http_get(p)},
              {"initialDelaySeconds", 10},
              {"timeoutSeconds", 15},
              {"failureThreshold", 8},
              {"periodSeconds", 10}};
}

json readiness_probe(const Probe& p) {
  return json{{"httpGet", http_get(p)},
              {"timeoutSeconds", 15},
              {"failureThreshold", 3},
              {"periodSeconds", 1}};
}

json startup_probe(const Probe& p, Duration timeout) {
  // failureThreshold = ceil(timeout / periodSeconds), as upstream derives it from the
  // control-plane health-check timeout.
  double secs = std::chrono::duration<double>(timeout).count();
  int threshold = static_cast<int>(std::ceil(secs / 10.0));
  return json{{"httpGet", http_get(p)},
              {"initialDelaySeconds", 10},
              {"timeoutSeconds", 15},
              {"failureThreshold", threshold},
              {"periodSeconds", 10}};
}

json volumes_json(const Mounts& m) {
  json out = json::array();
  for (const auto& [name, v] : m)
    out.push_back(json{{"name", name}, {"hostPath", {{"path", v.host_path}, {"type", v.type}}}});
  return out;
}

json volume_mounts_json(const Mounts& m) {
  json out = json::array();
  for (const auto& [name, v] : m) {
    json j{{"name", name}, {"mountPath", v.mount_path}};
    if (v.read_only) j["readOnly"] = true;
    out.push_back(j);
  }
  return out;
}

json component_env(const Input& in, const std::vector<api::EnvVar>& extra, bool proxies) {
  std::vector<json> envs;
  auto put = [&](const json& e) {
    std::string name = e.value("name", "");
    for (auto& existing : envs)
      if (existing.value("name", "") == name) {
        existing = e;
        return;
      }
    envs.push_back(e);
  };
  if (proxies) {
    for (const auto& [name, value] : in.host.environ) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower.size() >= 6 && lower.compare(lower.size() - 6, 6, "_proxy") == 0 && !value.empty())
        put(json{{"name", name}, {"value", value}});
    }
  }
  for (const auto& e : extra) put(e);
  if (in.release->component_env_sorted)
    std::stable_sort(envs.begin(), envs.end(), [](const json& a, const json& b) {
      return a.value("name", "") < b.value("name", "");
    });
  return json(envs);
}

json component_pod(const Input& in, json container, const Mounts& mounts,
                   const std::map<std::string, std::string>& annotations) {
  const auto& r = *in.release;
  std::string name = container["name"];
  json metadata{{"name", name},
                {"namespace", "kube-system"},
                {"labels", {{"component", name}, {"tier", "control-plane"}}}};
  if (!annotations.empty()) metadata["annotations"] = annotations;
  if (r.pod_creation_timestamp_null) metadata["creationTimestamp"] = nullptr;
  if (!mounts.empty()) container["volumeMounts"] = volume_mounts_json(mounts);
  json spec{{"containers", json::array({container})},
            {"hostNetwork", true},
            {"priorityClassName", "system-node-critical"}};
  if (r.pod_priority_value) spec["priority"] = 2000001000;
  if (r.pod_seccomp_runtime_default)
    spec["securityContext"] = {{"seccompProfile", {{"type", "RuntimeDefault"}}}};
  if (!mounts.empty()) spec["volumes"] = volumes_json(mounts);
  return json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", metadata},
              {"spec", spec},
              {"status", json::object()}};
}

std::string probe_address(const std::string& addr) {
  if (addr == "0.0.0.0" || addr == "::") return "";
  return addr;
}

}  // namespace kadm::manifests
