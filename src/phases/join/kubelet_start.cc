// `kadm join phase kubelet-start` (reference §5): bootstrap-kubelet.conf with the discovered server
// and CA, the kubelet configuration from the cluster's kubelet ConfigMap, kubeadm-flags.env, a
// (re)start of the kubelet, and the wait for its TLS bootstrap (kubelet.conf, then its Node).
// Also `kubelet-wait-bootstrap`, which takes the wait over when ControlPlaneKubeletLocalMode is on.
#include <fmt/format.h>
#include <unistd.h>

#include <thread>

#include "componentconfigs/kubelet.h"
#include "componentconfigs/kubelet_flags.h"
#include "host/fs.h"
#include "host/kubelet.h"
#include "host/system.h"
#include "images/images.h"
#include "kube/apply.h"
#include "kubeconfig/files.h"
#include "patches/patches.h"
#include "phases/join/phases.h"
#include "phases/wait.h"
#include "pki/cert.h"
#include "util/error.h"
#include "util/log.h"
#include "util/net.h"
#include "util/yaml_emit.h"

namespace kadm::phases::join {
namespace {

constexpr const char* kPhase = "kubelet-start";
constexpr const char* kCRISocketAnnotation = "kubeadm.alpha.kubernetes.io/cri-socket";

// Upstream's message when the TLS bootstrap does not finish (kubeadmJoinFailMsg).
constexpr const char* kJoinFailMsg = R"(
Unfortunately, an error has occurred:
	{}

This error is likely caused by:
	- The kubelet is not running
	- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)

If you are on a systemd-powered system, you can try to troubleshoot the error with the following commands:
	- 'systemctl status kubelet'
	- 'journalctl -xeu kubelet'
)";

// Removes bootstrap-kubelet.conf when the phase ends, however it ends: the token must not stay on
// disk (upstream defers the removal the same way).
struct RemoveBootstrapConf {
  std::string path;
  bool armed = false;
  ~RemoveBootstrapConf() {
    if (armed) ::unlink(path.c_str());
  }
};

bool node_ready(const kube::json& node) {
  if (!node.contains("status") || !node["status"].contains("conditions")) return false;
  for (const auto& c : node["status"]["conditions"])
    if (c.value("type", "") == "Ready" && c.value("status", "") == "True") return true;
  return false;
}

void check_no_ready_node(JoinData& d) {
  const std::string& name = d.cfg.node_registration.name;
  log::v(1,
         "[kubelet-start] Checking for an existing Node in the cluster with name \"{}\" and status "
         "\"Ready\"",
         name);
  auto r = d.bootstrap_client().get(kube::Ref{"v1", "nodes", "", name});
  if (r.status.not_found()) return;
  if (!r.status.ok())
    throw Error(fmt::format("cannot get Node \"{}\": {}", name, r.status.describe()));
  if (node_ready(r.object)) {
    throw Error(
        fmt::format(
            "a Node with name \"{}\" and status \"Ready\" already exists in the cluster. You must "
            "delete the existing Node or change the name of this new joining Node",
            name),
        fmt::format("'kubectl delete node {}' on a control-plane node, or pass --node-name", name));
  }
}

nlohmann::json kubelet_configuration(JoinData& d) {
  const auto& r = d.release();
  componentconfigs::KubeletHostFacts facts;
  facts.systemd_resolved_active = host::service_active("systemd-resolved");
  const auto& nreg = d.cfg.node_registration;
  if (r.kubelet_detect_docker_cgroup_driver && nreg.cri_socket == "/var/run/dockershim.sock") {
    std::string warning;
    facts.docker_cgroup_driver = host::docker_cgroup_driver(&warning);
    if (!warning.empty()) log::warning(warning);
  }
  std::vector<std::string> warnings;
  auto config = componentconfigs::kubelet_config(d.cluster_kubelet_config(), d.cluster(), r, facts,
                                                 &warnings);
  for (const auto& w : warnings) log::warning(w);
  if (r.node_local_cri_socket) config["containerRuntimeEndpoint"] = nreg.cri_socket;
  if (!d.patches_dir.empty()) {
    auto targets = patches::known_targets(r.minor);
    if (std::find(targets.begin(), targets.end(), "kubeletconfiguration") != targets.end()) {
      auto set = patches::load(d.patches_dir, targets);
      for (const auto& line : patches::reading_lines(set)) log::progress("{}", line);
      std::vector<std::string> applied;
      config = patches::apply(set, "kubeletconfiguration", std::move(config), patches::Schema::None,
                              &applied);
      for (const auto& line : applied) log::progress("{}", line);
    }
  }
  return config;
}

// kubelet.conf is usable: the file parses and its CA and client certificate are readable.
std::optional<std::string> kubelet_conf_ready(const std::string& path) {
  if (!host::exists(path)) return std::string(path + " does not exist yet");
  try {
    auto cur = kubeconfig::current(kubeconfig::load(path), path);
    if (cur.cert_pem.empty() || cur.key_pem.empty())
      return std::string(path + " has no client certificate yet");
    pki::parse_certificate(cur.cert_pem, path);
    return std::nullopt;
  } catch (const Error& e) {
    return std::string(e.what());
  }
}

void run_kubelet_start(workflow::Context& ctx) {
  auto& d = ctx.data<JoinData>();
  const auto& r = d.release();  // discovery and the cluster's configuration, first
  const auto& nreg = d.cfg.node_registration;
  auto& tb = d.tls_bootstrap_config();
  RemoveBootstrapConf cleanup{d.paths.bootstrap_kubeconfig(), !d.dry_run};

  kubeconfig::Config bootstrap = tb;
  if (d.control_plane() && kubelet_local_mode(d)) {
    // ControlPlaneKubeletLocalMode: the kubelet of a control plane talks to its own API server.
    const auto& ep = d.init_cfg().local_api_endpoint;
    for (auto& c : bootstrap.clusters)
      c.server = "https://" + net::join_host_port(ep.advertise_address, ep.bind_port);
  }
  log::v(1, "[kubelet-start] writing bootstrap kubelet config file at {}",
         d.paths.bootstrap_kubeconfig());
  d.write_file(d.paths.bootstrap_kubeconfig(), kubeconfig::serialize(bootstrap), 0600,
               /*secret=*/true);
  if (!host::exists(d.cfg.ca_cert_path)) {
    auto cur = kubeconfig::current(tb, "the TLS bootstrap kubeconfig");
    log::v(1, "[kubelet-start] writing CA certificate at {}", d.cfg.ca_cert_path);
    d.write_file(d.cfg.ca_cert_path, cur.ca_pem, 0644);
  }
  check_no_ready_node(d);

  if (!d.dry_run) {
    log::v(1, "[kubelet-start] Stopping the kubelet");
    for (const auto& line : host::try_stop_kubelet(kPhase)) log::progress("{}", line);
  }
  std::string config_path = d.paths.kubelet_dir + "/config.yaml";
  log::progress("[{}] Writing kubelet configuration to file \"{}\"", kPhase, config_path);
  d.write_file(config_path, yaml::emit(kubelet_configuration(d)), 0644);
  if (r.node_local_cri_socket) {
    nlohmann::json instance{{"apiVersion", componentconfigs::kKubeletAPIVersion},
                            {"kind", "KubeletConfiguration"},
                            {"containerRuntimeEndpoint", nreg.cri_socket}};
    d.write_file(d.paths.kubelet_dir + "/instance-config.yaml", yaml::emit(instance), 0644);
  }

  componentconfigs::KubeletFlagsInput fin;
  fin.node_registration = &nreg;
  fin.pause_image = images::pause_image(d.cluster());
  fin.hostname = host::hostname();
  // Workers register their taints through the kubelet; mark-control-plane taints control planes.
  fin.register_taints = !d.control_plane();
  std::string env_path = d.paths.kubelet_dir + "/kubeadm-flags.env";
  log::progress("[{}] Writing kubelet environment file with flags to file \"{}\"", kPhase,
                env_path);
  d.write_file(env_path, componentconfigs::kubelet_flags_env(fin, r), 0644);

  log::progress("[{}] Starting the kubelet", kPhase);
  if (d.dry_run) {
    log::progress("[dryrun] Would start the kubelet and wait for it to perform the TLS Bootstrap");
  } else {
    for (const auto& line : host::try_start_kubelet(kPhase)) log::progress("{}", line);
  }
  // With ControlPlaneKubeletLocalMode the kubelet of a control-plane node bootstraps against its
  // own API server, which etcd-join must bring up first: kubelet-wait-bootstrap waits instead.
  if (d.control_plane() && kubelet_local_mode(d)) {
    cleanup.armed = false;
    return;
  }
  wait_tls_bootstrap(d);
}

}  // namespace

Duration wait_tls_bootstrap(JoinData& d) {
  const auto& r = d.release();
  const std::string conf = d.paths.kubelet_kubeconfig();
  RemoveBootstrapConf cleanup{d.paths.bootstrap_kubeconfig(), !d.dry_run};
  auto start = std::chrono::steady_clock::now();
  if (d.dry_run) {
    log::progress("[dryrun] Would wait for the kubelet to write {} and register the Node \"{}\"",
                  conf, d.cfg.node_registration.name);
    if (!r.node_local_cri_socket)
      kube::patch_node(
          d.admin_client(), d.cfg.node_registration.name,
          [&](kube::json& n) {
            n["metadata"]["annotations"][kCRISocketAnnotation] = d.cfg.node_registration.cri_socket;
          },
          d.api_timeout());
    return Duration::zero();
  }
  log::progress("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap...");
  api::ConfigSet probe_cfg;
  probe_cfg.kubelet = d.cluster_kubelet_config();
  auto kubelet = kubelet_probe(probe_cfg);
  // kubelet.conf appears within seconds of the kubelet's start; a short poll keeps the join fast.
  auto deadline = start + d.tls_bootstrap_timeout();
  auto next_progress = start + std::chrono::seconds(10);
  std::string last;
  for (;;) {
    auto err = kubelet_conf_ready(conf);
    if (!err) break;
    last = *err;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      std::string why = diagnose_kubelet(kubelet, kubelet.check().value_or("ok"));
      std::string msg =
          fmt::format("the kubelet did not perform the TLS Bootstrap within {}: {}\n{}",
                      format_duration(d.tls_bootstrap_timeout()), last, why);
      log::progress(kJoinFailMsg, msg);
      throw Error(msg, "", kExitTimeout);
    }
    if (now >= next_progress) {
      auto health = kubelet.check();
      log::progress("[kubelet-start] still waiting for {} after {}s (kubelet {})", conf,
                    std::chrono::duration_cast<std::chrono::seconds>(now - start).count(),
                    health ? "healthz: " + *health : "is healthy");
      next_progress += std::chrono::seconds(10);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto certificate = std::chrono::steady_clock::now() - start;
  log::v(1, "[kubelet-start] the kubelet wrote {} after {}ms", conf,
         std::chrono::duration_cast<std::chrono::milliseconds>(certificate).count());
  // The node's own identity from now on. The kubelet registers its Node seconds later; a GET
  // every 100 ms (upstream: 500 ms) ends the join as soon as it has.
  auto client = kube::from_kubeconfig(conf);
  constexpr auto kNodePoll = std::chrono::milliseconds(100);
  const auto& nreg = d.cfg.node_registration;
  if (!r.node_local_cri_socket) {
    log::v(1, "[kubelet-start] preserving the crisocket information for the node");
    log::v(1,
           "[patchnode] Uploading the CRI Socket information \"{}\" to the Node API object \"{}\" "
           "as an annotation",
           nreg.cri_socket, nreg.name);
    try {
      kube::patch_node(
          *client, nreg.name,
          [&](kube::json& n) {
            n["metadata"]["annotations"][kCRISocketAnnotation] = nreg.cri_socket;
          },
          d.api_timeout(), kNodePoll);
    } catch (const Error& e) {
      throw Error(fmt::format("error uploading crisocket: {}", e.what()),
                  "the Node did not register; look at the "
                  "kubelet's log",
                  e.exit_code());
    }
  } else {
    kube::poll_immediate(fmt::format("the Node \"{}\" did not register", nreg.name),
                         kNodePoll, d.api_timeout(),
                         [&]() -> std::optional<std::string> {
                           auto g = client->get(kube::Ref{"v1", "nodes", "", nreg.name});
                           if (g.status.ok()) return std::nullopt;
                           return g.status.describe();
                         });
  }
  auto waited = std::chrono::steady_clock::now() - start;
  log::v(1, "[kubelet-start] TLS bootstrap and Node registration took {}ms",
         std::chrono::duration_cast<std::chrono::milliseconds>(waited).count());
  d.waited += waited;
  return waited;
}

workflow::Phase kubelet_start_phase() {
  workflow::Phase p;
  p.name = kPhase;
  p.short_help = "Write kubelet settings, certificates and (re)start the kubelet";
  p.long_help =
      "Write a file with KubeletConfiguration and an environment file with node specific kubelet "
      "settings, and then "
      "(re)start kubelet.";
  p.inherit_flags = {"config",
                     "cri-socket",
                     "node-name",
                     "patches",
                     "experimental-patches",
                     "discovery-file",
                     "discovery-token",
                     "discovery-token-ca-cert-hash",
                     "discovery-token-unsafe-skip-ca-verification",
                     "tls-bootstrap-token",
                     "token",
                     "dry-run"};
  p.run = run_kubelet_start;
  return p;
}

workflow::Phase kubelet_wait_bootstrap_phase() {
  workflow::Phase p;
  p.name = "kubelet-wait-bootstrap";
  p.short_help = "[EXPERIMENTAL] Wait for the kubelet to bootstrap itself";
  p.hidden = true;
  p.inherit_flags = {"config", "dry-run"};
  // Only when ControlPlaneKubeletLocalMode moved the wait out of kubelet-start.
  p.run_if = [](workflow::Context& ctx) {
    auto& d = ctx.data<JoinData>();
    return d.control_plane() && kubelet_local_mode(d);
  };
  p.run = [](workflow::Context& ctx) {
    auto& d = ctx.data<JoinData>();
    api::ConfigSet probe_cfg;
    probe_cfg.kubelet = d.cluster_kubelet_config();
    auto kubelet = kubelet_probe(probe_cfg);
    if (!d.dry_run) {
      log::progress("[kubelet-check] Waiting for a healthy kubelet at {}. This can take up to {}",
                    kubelet.url, format_duration(d.kubelet_timeout()));
      wait_for(
          "the kubelet", d.kubelet_timeout(), [&] { return kubelet.check(); },
          [&](const std::string& last) { return diagnose_kubelet(kubelet, last); });
    }
    wait_tls_bootstrap(d);
  };
  return p;
}

}  // namespace kadm::phases::join
