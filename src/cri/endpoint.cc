#include "cri/endpoint.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <vector>

#include "util/error.h"

namespace kadm::cri {

std::string socket_path(const std::string& endpoint) {
  const std::string unix_scheme = "unix://";
  std::string path = endpoint;
  if (endpoint.rfind(unix_scheme, 0) == 0) {
    path = endpoint.substr(unix_scheme.size());
  } else if (auto colon = endpoint.find("://"); colon != std::string::npos) {
    throw Error(fmt::format("CRI endpoint \"{}\": kadm talks to container runtimes over Unix sockets only, "
                            "not {}",
                            endpoint, endpoint.substr(0, colon + 3)),
                "use unix:///path/to/the/runtime.sock (for containerd: unix:///var/run/containerd/containerd.sock)",
                kExitConfig);
  }
  if (path.empty() || path.front() != '/')
    throw Error(fmt::format("CRI endpoint \"{}\" is not an absolute socket path", endpoint),
                "use unix:///path/to/the/runtime.sock (for containerd: unix:///var/run/containerd/containerd.sock)",
                kExitConfig);
  return path;
}

bool is_socket(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

std::string detect_endpoint(const versions::Release& r, const std::function<bool(const std::string&)>& probe) {
  auto exists = [&](const std::string& path) { return probe ? probe(path) : is_socket(path); };
  bool docker = !r.docker_socket.empty() && exists(r.docker_socket);
  std::vector<std::string> found;
  for (const auto& endpoint : r.known_cri_sockets) {
    std::string path = socket_path(endpoint);
    if (!r.docker_socket.empty() && endpoint == r.default_cri_socket) {
      // The dockershim endpoint: present when Docker is (the kubelet serves dockershim itself).
      if (docker) found.push_back(endpoint);
      continue;
    }
    if (docker && path == r.docker_hides_socket) continue;  // Docker's own containerd
    if (exists(path)) found.push_back(endpoint);
  }
  if (found.empty()) return r.default_cri_socket;
  if (found.size() == 1) return found.front();
  std::string list;
  for (const auto& f : found) list += (list.empty() ? "" : ", ") + f;
  throw Error(fmt::format("found multiple CRI endpoints on the host: {}", list),
              "choose one with --cri-socket or nodeRegistration.criSocket in the configuration file", kExitConfig);
}

}  // namespace kadm::cri
