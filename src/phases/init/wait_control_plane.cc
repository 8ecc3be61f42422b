// init phase wait-control-plane: the kubelet's health, then the control plane's. On timeout,
// beyond upstream, it names the component that is not healthy, shows its last log lines from
// /var/log/pods, and says what the kubelet is doing.
#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "api/defaults.h"
#include "host/fs.h"
#include "net/transport.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "phases/wait.h"
#include "util/error.h"
#include "util/log.h"
#include "util/net.h"

namespace kadm::phases {
namespace {

using Clock = std::chrono::steady_clock;

// The URL each component answers its health on, read from its static Pod manifest's flags as
// upstream does (defaults when a flag is absent).
struct Endpoint {
  std::string component;
  std::string host;
  int port;
  std::string path;
};

std::map<std::string, std::string> manifest_flags(const std::string& path) {
  std::map<std::string, std::string> flags;
  auto text = host::read_file(path);
  if (!text) return flags;
  try {
    YAML::Node pod = YAML::Load(*text);
    for (const auto& c : pod["spec"]["containers"]) {
      for (const auto& arg : c["command"]) {
        std::string a = arg.as<std::string>();
        if (a.rfind("--", 0) != 0) continue;
        auto eq = a.find('=');
        flags[a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2)] =
            eq == std::string::npos ? "" : a.substr(eq + 1);
      }
    }
  } catch (const YAML::Exception&) {
  }
  return flags;
}

std::vector<Endpoint> component_endpoints(const InitData& d) {
  std::vector<Endpoint> out;
  auto api = manifest_flags(d.manifest_dir + "/kube-apiserver.yaml");
  std::string host = api.count("advertise-address") ? api["advertise-address"] : d.init().local_api_endpoint.advertise_address;
  int port = api.count("secure-port") ? std::stoi(api["secure-port"]) : d.init().local_api_endpoint.bind_port;
  out.push_back({"kube-apiserver", host, port, "/livez"});
  auto kcm = manifest_flags(d.manifest_dir + "/kube-controller-manager.yaml");
  out.push_back({"kube-controller-manager", kcm.count("bind-address") ? kcm["bind-address"] : "127.0.0.1",
                 kcm.count("secure-port") ? std::stoi(kcm["secure-port"]) : 10257, "/healthz"});
  auto sched = manifest_flags(d.manifest_dir + "/kube-scheduler.yaml");
  out.push_back({"kube-scheduler", sched.count("bind-address") ? sched["bind-address"] : "127.0.0.1",
                 sched.count("secure-port") ? std::stoi(sched["secure-port"]) : 10259, "/livez"});
  for (auto& e : out)
    if (e.host == "0.0.0.0" || e.host == "::") e.host = "127.0.0.1";
  return out;
}

std::optional<std::string> probe_https(const Endpoint& e) {
  try {
    net::TlsConfig tls;
    tls.insecure_skip_verify = true;  // upstream skips verification for these health checks
    auto t = net::connect(e.host, e.port, tls, {std::chrono::milliseconds(2000), std::chrono::milliseconds(5000)});
    auto r = t->send(net::Request{"GET", e.path, "", "", {}});
    if (r.error != net::TransportError::None) return net::describe(r.error);
    if (r.status != 200) return fmt::format("HTTP {}: {}", r.status, r.body.substr(0, 120));
    return std::nullopt;
  } catch (const Error& err) {
    return std::string(err.what());
  }
}

std::string url(const Endpoint& e) { return fmt::format("https://{}{}", net::join_host_port(e.host, e.port), e.path); }

}  // namespace

workflow::Phase wait_control_plane_phase() {
  workflow::Phase p;
  p.name = "wait-control-plane";
  p.short_help = "Wait for the control plane to start";
  p.inherit_flags = {"config", "dry-run"};
  p.run = [](workflow::Context& ctx) {
    auto& d = ctx.data<InitData>();
    const auto& t = *d.init().timeouts;
    Duration cp_timeout = *t.control_plane_component_health_check;
    Duration kubelet_timeout = *t.kubelet_health_check;
    bool all_components = api::feature_enabled(d.cluster(), "WaitForAllControlPlaneComponents");
    if (d.dry_run) {
      log::progress("[dryrun] Would wait for the kubelet and the control plane (static Pods in \"{}\")", d.manifest_dir);
      return;
    }
    if (d.release().wait_serial_kubelet_check) {
      log::progress("[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory \"{}\"",
                    d.manifest_dir);
    } else {
      log::progress("[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory \"{}\". This can take up to {}",
                    d.manifest_dir, format_duration(cp_timeout));
    }
    auto start = Clock::now();
    KubeletProbe kubelet = kubelet_probe(d.config);
    if (d.release().wait_serial_kubelet_check)
      log::progress("[kubelet-check] Waiting for a healthy kubelet at {}. This can take up to {}", kubelet.url, format_duration(kubelet_timeout));
    wait_for("[kubelet-check] the kubelet", kubelet_timeout, [&] { return kubelet.check(); },
             [&](const std::string& last) { return diagnose_kubelet(kubelet, last); });
    if (d.release().wait_serial_kubelet_check)
      log::progress("[kubelet-check] The kubelet is healthy after {}", format_duration(Clock::now() - start));

    auto cp_start = Clock::now();
    std::vector<Endpoint> endpoints = component_endpoints(d);
    if (!all_components) endpoints.resize(1);  // the API server alone
    if (all_components)
      log::progress("[control-plane-check] Waiting for healthy control plane components. This can take up to {}", format_duration(cp_timeout));
    std::vector<std::thread> threads;
    std::vector<std::string> failures(endpoints.size());
    for (size_t i = 0; i < endpoints.size(); ++i) {
      threads.emplace_back([&, i] {
        const Endpoint& e = endpoints[i];
        if (all_components) log::progress("[control-plane-check] Checking {} at {}", e.component, url(e));
        try {
          wait_for(e.component, cp_timeout, [&] { return probe_https(e); },
                   [&](const std::string& last) {
                     return diagnose_component(e.component, d.init().node_registration.name, url(e), last, kubelet);
                   });
          if (all_components)
            log::progress("[control-plane-check] {} is healthy after {}", e.component, format_duration(Clock::now() - cp_start));
        } catch (const Error& err) {
          failures[i] = err.what();
        }
      });
    }
    for (auto& th : threads) th.join();
    std::string failed;
    for (const auto& f : failures)
      if (!f.empty()) failed += (failed.empty() ? "" : "\n") + f;
    if (!failed.empty()) {
      throw Error("could not initialize a Kubernetes cluster: the control plane did not become healthy\n" + failed,
                  "fix the component named above, then run 'kadm init' again: it resumes where it stopped",
                  kExitTimeout);
    }
    if (!all_components) {
      double secs = std::chrono::duration<double>(Clock::now() - start).count();
      log::progress("[apiclient] All control plane components are healthy after {:.6f} seconds", secs);
    }
  };
  return p;
}

}  // namespace kadm::phases
