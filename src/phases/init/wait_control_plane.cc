// init phase wait-control-plane: the kubelet's health, then the control plane's. On timeout,
// beyond upstream, it names the component that is not healthy, shows its last log lines from
// /var/log/pods, and says what the kubelet is doing; a control-plane image that cannot be had
// ends the wait within seconds, naming the Pod and the image.
#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <chrono>
#include <fstream>
#include <thread>

#include "api/defaults.h"
#include "cri/runtime.h"
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

// The API server's health as upstream's WaitForAPI asks it: /healthz with admin.conf's identity
// (so it also works with --anonymous-auth=false). Beyond upstream, where that identity is in
// system:masters (kadm's own admin.conf before v1.29), two post-start hooks that nothing init does
// depends on are not waited for: the RBAC bootstrap (the default roles and bindings, which
// system:masters does not need) and the system priority classes (the add-ons' Pods are created
// later, by the controller manager, which retries). On two cores they finish 1-1.5 s after
// everything else, a tenth of init; kube-system and kube-public exist by then.
std::string api_health_path(const InitData& d) {
  if (d.release().admin_is_cluster_admins || d.admin_kubeconfig() != d.kubeconfig_dir + "/admin.conf")
    return "/healthz";
  return "/healthz?exclude=poststarthook/rbac/bootstrap-roles"
         "&exclude=poststarthook/scheduling/bootstrap-system-priority-classes";
}

std::optional<std::string> probe_api(kube::Client& client, const std::string& path) {
  auto r = client.get_path(path);
  if (r.status.ok()) return std::nullopt;
  if (r.status.code == 0) return r.status.describe();
  std::string body = r.object.is_string() ? r.object.get<std::string>() : r.object.dump();
  return fmt::format("HTTP {}: {}", r.status.code, body.substr(0, 200));
}

std::string manifest_image(const std::string& path) {
  auto text = host::read_file(path);
  if (!text) return "";
  try {
    YAML::Node pod = YAML::Load(*text);
    for (const auto& c : pod["spec"]["containers"]) return c["image"].as<std::string>("");
  } catch (const YAML::Exception&) {
  }
  return "";
}

// kadm, beyond upstream: a static Pod whose image the container runtime does not have and cannot
// pull never starts, and upstream waits out the whole timeout to say only that the API server is
// not healthy. Every 5 s the watch asks the runtime for the images of the static Pods; for one
// that is missing it tries a pull with a short deadline, and a pull that fails (not one that is
// merely slow) ends the wait with the Pod, the image and the runtime's error. Once failed, every
// later call fails at once, so that all the waits stop.
class ImageWatch {
 public:
  explicit ImageWatch(const InitData& d) : node_(d.init().node_registration.name), endpoint_(d.init().node_registration.cri_socket) {
    for (const char* c : {"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"}) {
      std::string image = manifest_image(fmt::format("{}/{}.yaml", d.manifest_dir, c));
      if (!image.empty()) pods_.push_back({c, image});
    }
  }

  void check() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.empty()) throw Error(failure_, kHint, kExitFailure);
    auto now = Clock::now();
    if (disabled_ || now < next_) return;
    next_ = now + std::chrono::seconds(5);
    try {
      if (!runtime_) {
        if (!cri::module_available()) {
          disabled_ = true;
          return;
        }
        cri::ConnectOptions o;
        o.connect_timeout = std::chrono::seconds(3);
        o.call_timeout = std::chrono::seconds(5);
        o.pull_timeout = std::chrono::seconds(15);
        runtime_ = cri::Runtime::connect(endpoint_, o);
      }
      for (const auto& [component, image] : pods_) {
        if (runtime_->image_present(image)) continue;
        try {
          log::v(1, "[wait-control-plane] the image {} of {} is not in the container runtime; trying to pull it", image, component);
          runtime_->pull_image(image);
        } catch (const Error& e) {
          if (e.exit_code() == kExitTimeout) continue;  // still pulling: the kubelet may yet get it
          failure_ = fmt::format("the static Pod \"{}-{}\" cannot start: its image \"{}\" is not in the container runtime "
                                 "at {} and pulling it failed: {}",
                                 component, node_, image, endpoint_, e.what());
          throw Error(failure_, kHint, kExitFailure);
        }
      }
    } catch (const Error& e) {
      if (!failure_.empty()) throw;
      // The runtime itself cannot be asked: the health checks and their diagnosis still run.
      log::v(1, "[wait-control-plane] not watching the control-plane images: {}", e.what());
      disabled_ = true;
    }
  }

 private:
  static constexpr const char* kHint =
      "make the image available to the container runtime (kadm config images pull, or import it), then run "
      "'kadm init' again: it resumes where it stopped";
  std::string node_;
  std::string endpoint_;
  std::vector<std::pair<std::string, std::string>> pods_;  // component, image
  std::mutex mu_;
  std::unique_ptr<cri::Runtime> runtime_;
  Clock::time_point next_ = Clock::now() + std::chrono::seconds(5);
  bool disabled_ = false;
  std::string failure_;
};

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
    d.yield_to_kubelet.reset();
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
    ImageWatch images(d);
    std::string api_path = api_health_path(d);
    std::vector<std::thread> threads;
    std::vector<std::string> failures(endpoints.size());
    for (size_t i = 0; i < endpoints.size(); ++i) {
      threads.emplace_back([&, i] {
        const Endpoint& e = endpoints[i];
        if (all_components) log::progress("[control-plane-check] Checking {} at {}", e.component, url(e));
        try {
          wait_for(e.component, cp_timeout,
                   [&] {
                     images.check();
                     return all_components ? probe_https(e) : probe_api(d.health_client(), api_path);
                   },
                   [&](const std::string& last) {
                     return diagnose_component(e.component, d.init().node_registration.name, url(e), last, kubelet,
                                               "/var/log/pods", d.init().node_registration.cri_socket);
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
    for (size_t i = 0; i < failures.size(); ++i)  // one line per failure (a missing image stops every wait)
      if (!failures[i].empty() && std::find(failures.begin(), failures.begin() + i, failures[i]) == failures.begin() + i)
        failed += (failed.empty() ? "" : "\n") + failures[i];
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
