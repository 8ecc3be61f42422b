// CRI endpoints as kubeadm writes them ("unix:///var/run/containerd/containerd.sock", or a bare
// absolute path, which kubeadm of v1.24+ accepts with a deprecation warning), and finding the one
// this host runs, as upstream's DetectCRISocket does.
#pragma once

#include <functional>
#include <string>

#include "versions/table.h"

namespace kadm::cri {

// The Unix socket path of an endpoint. Throws kadm::Error (kExitConfig) naming the value when it
// is not "unix://<absolute path>" or an absolute path (tcp://, npipe://, relative paths).
std::string socket_path(const std::string& endpoint);

// The endpoint kadm should talk to when none is configured: the one known endpoint of release
// `r` whose socket exists; the release's default when none exists (upstream falls back to it and
// errors later, if at all). Throws kadm::Error (kExitConfig) listing them when several exist.
// `is_socket` is the test double for stat(2).
std::string detect_endpoint(const versions::Release& r,
                            const std::function<bool(const std::string&)>& is_socket = {});

// True when `path` exists and is a Unix socket.
bool is_socket(const std::string& path);

}  // namespace kadm::cri
