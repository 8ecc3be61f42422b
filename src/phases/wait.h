// Bounded waits with progress and diagnostics, shared by init and join: the kubelet's health, a
// component's health, the end of the TLS bootstrap.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/decode.h"
#include "util/duration.h"

namespace kadm::phases {

// Polls `check` every 100 ms until it returns nullopt; prints a progress line with the elapsed
// time every 10 s; after `timeout` throws kadm::Error "<what> … not ready after T: <last error>"
// followed by `diagnose(last error)`.
void wait_for(const std::string& what, Duration timeout,
              const std::function<std::optional<std::string>()>& check,
              const std::function<std::string(const std::string&)>& diagnose);

struct KubeletProbe {
  std::string host = "127.0.0.1";
  int port = 10248;
  std::string url;
  std::optional<std::string> check() const;  // nullopt when /healthz answers ok
};
// From the KubeletConfiguration's healthzBindAddress/healthzPort, defaults otherwise.
KubeletProbe kubelet_probe(const api::ConfigSet& config);

// What is known about the kubelet when a wait fails: its health and whether it runs.
std::string diagnose_kubelet(const KubeletProbe& kubelet, const std::string& last);
// What is known about a static Pod component that is not healthy: what the container runtime
// says about its newest container (state, exit code, restarts, log path and last lines), else
// its container logs under /var/log/pods (last lines, restarts), or that it never started.
// `cri_socket` is nodeRegistration.criSocket; empty = detect it.
std::string diagnose_component(const std::string& component, const std::string& node,
                               const std::string& url, const std::string& last,
                               const KubeletProbe& kubelet, const std::string& pods_log_dir = "/var/log/pods",
                               const std::string& cri_socket = "");

// The container runtime's word on a component's containers, asked over the CRI with short
// deadlines. `found` is false when the runtime has none, cannot be reached, or kadm's CRI module
// is not installed; `text` then says why (or is empty without the module).
struct ContainerDiagnosis {
  bool found = false;
  std::string text;
};
ContainerDiagnosis diagnose_containers(const std::string& component, const std::string& cri_socket);

}  // namespace kadm::phases
