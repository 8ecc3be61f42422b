#include "phases/reset/data.h"

#include <fmt/format.h>

#include <iostream>

#include "api/decode.h"
#include "api/defaults.h"
#include "api/validate.h"
#include "cli/config_flags.h"
#include "host/system.h"
#include "util/error.h"
#include "util/log.h"
#include "versions/version.h"

namespace kadm::phases::reset {

ResetOptions& reset_options() {
  static ResetOptions o;
  return o;
}

namespace {

// Flags that may accompany --config (the rest belong in the ResetConfiguration).
const std::vector<std::string> kAllowedWithConfig = {"config", "ignore-preflight-errors", "dry-run", "kubeconfig",
                                                     "force", "skip-phases", "cleanup-network"};

// The kubeadm-config ConfigMap's ClusterConfiguration (and v1.21's ClusterStatus), when the API
// server answers within a few seconds.
struct FromCluster {
  std::unique_ptr<kube::Client> client;
  std::optional<api::ClusterConfiguration> cluster;
  std::optional<std::string> status;
};

FromCluster fetch_cluster(host::Machine& m, const std::string& kubeconfig) {
  FromCluster out;
  if (!m.exists(kubeconfig)) {
    log::v(1, "[reset] Could not obtain a client set from the kubeconfig file: {}", kubeconfig);
    return out;
  }
  try {
    kube::ClientOptions o;
    o.timeouts = net::Timeouts{std::chrono::milliseconds(3000), std::chrono::milliseconds(10000)};
    auto client = kube::from_kubeconfig(kubeconfig, o);
    log::v(1, "[reset] Loaded client set from kubeconfig file: {}", kubeconfig);
    auto r = client->get(kube::Ref{"v1", "configmaps", "kube-system", "kubeadm-config"});
    if (!r.status.ok()) {
      log::warning(fmt::format("[reset] Unable to fetch the kubeadm-config ConfigMap from cluster: {}", r.status.describe()));
      return out;
    }
    auto data = r.object.value("data", kube::json::object());
    if (data.contains("ClusterConfiguration") && data["ClusterConfiguration"].is_string()) {
      auto set = api::load_config_text(data["ClusterConfiguration"].get<std::string>(), "kubeadm-config ConfigMap");
      if (set.cluster) {
        api::set_defaults(*set.cluster);
        out.cluster = *set.cluster;
      }
    }
    if (data.contains("ClusterStatus") && data["ClusterStatus"].is_string()) out.status = data["ClusterStatus"].get<std::string>();
    out.client = std::move(client);
  } catch (const Error& e) {
    log::warning(fmt::format("[reset] Unable to fetch the kubeadm-config ConfigMap from cluster: {}", e.what()));
  }
  return out;
}

// The release this node runs: the cluster's kubernetesVersion, else the kubelet's version, else
// the newest in the table.
const versions::Release& detect_release(host::Machine& m, const std::optional<api::ClusterConfiguration>& cluster) {
  if (cluster && !cluster->kubernetes_version.empty()) {
    if (auto v = versions::parse_version(cluster->kubernetes_version); v && versions::supported(*v))
      return versions::release_for(*v);
  }
  auto r = host::kubelet_version(m);
  if (r.status == 0) {
    std::string out = r.output;
    auto at = out.find('v');
    if (at != std::string::npos) {
      std::string text = out.substr(at);
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
      if (auto v = versions::parse_version(text); v && versions::supported(*v)) {
        log::v(1, "[reset] Using the kubelet's version {} to pick reset's behaviour", v->str());
        return versions::release_for(*v);
      }
    }
  }
  log::v(1, "[reset] Neither the cluster nor the kubelet tell the Kubernetes version; using {}",
         versions::default_kubernetes_version().str());
  return versions::newest_release();
}

std::string detect_cri_socket(const versions::Release& r) {
  auto found = host::existing_cri_sockets(r.known_cri_sockets);
  if (found.size() == 1) return found.front();
  if (found.empty()) return r.default_cri_socket;
  std::string list;
  for (const auto& f : found) list += (list.empty() ? "" : " ") + f;
  throw Error(fmt::format("found multiple CRI endpoints on the host: [{}]", list),
              "choose one with --cri-socket (or criSocket in the ResetConfiguration)", kExitConfig);
}

}  // namespace

ResetData::ResetData(const cli::Invocation& inv) {
  const ResetOptions& o = reset_options();
  machine_ = std::make_unique<host::SystemMachine>();
  if (!o.config_path.empty()) {
    cli::check_config_mixing(inv, kAllowedWithConfig);
    auto set = cli::load_config_or_throw(o.config_path);
    if (!set.reset)
      throw Error(fmt::format("{} holds no ResetConfiguration", o.config_path),
                  "kadm reset --config takes a kubeadm.k8s.io/v1beta4 ResetConfiguration document", kExitConfig);
    cfg = *set.reset;
  } else {
    cfg.certificates_dir = o.cert_dir;
    cfg.cri_socket = o.cri_socket;
    cfg.cleanup_tmp_dir = o.cleanup_tmp_dir;
  }
  // Flags given together with --config win over the file.
  if (o.config_path.empty() || inv.changed("force")) cfg.force = cfg.force || o.force;
  if (o.config_path.empty() || inv.changed("dry-run")) cfg.dry_run = cfg.dry_run || o.dry_run;
  for (const auto& e : o.ignore_preflight_errors) cfg.ignore_preflight_errors.push_back(e);
  if (inv.changed("skip-phases")) cfg.skip_phases = o.skip_phases;
  cleanup_network = o.cleanup_network;
  {
    api::ConfigSet set;
    set.reset = cfg;
    api::check_valid(set);
  }

  admin_conf = machine_->read_file(o.kubeconfig);
  auto from = fetch_cluster(*machine_, o.kubeconfig);
  client_ = std::move(from.client);
  cluster = from.cluster;
  cluster_status = from.status;
  release_ = &detect_release(*machine_, cluster);
  api::set_defaults(cfg, *release_);
  node_name = host::hostname();
  if (cfg.cri_socket.empty()) {
    cfg.cri_socket = detect_cri_socket(*release_);
    log::v(1, "[reset] Detected and using CRI socket: {}", cfg.cri_socket);
  } else {
    log::v(1, "[reset] Using specified CRI socket: {}", cfg.cri_socket);
  }
  runtime_ = preflight::container_runtime(*machine_, cfg.cri_socket, release_);
  input = &std::cin;
}

ResetData::ResetData(api::ResetConfiguration c, const versions::Release& release, std::unique_ptr<host::Machine> machine,
                     std::unique_ptr<preflight::ContainerRuntime> runtime, std::unique_ptr<kube::Client> client)
    : cfg(std::move(c)),
      release_(&release),
      machine_(std::move(machine)),
      runtime_(std::move(runtime)),
      client_(std::move(client)) {
  api::set_defaults(cfg, release);
  node_name = "node1";
}

preflight::IgnoreSet ResetData::ignore() const { return preflight::IgnoreSet::parse(cfg.ignore_preflight_errors, {}); }

std::string clean_dir(host::Machine& m, const std::string& dir) {
  auto st = m.stat(dir);
  if (!st.exists) return "";
  if (!st.is_dir) return fmt::format("{} is not a directory", dir);
  std::string problems;
  for (const auto& name : m.list_dir(dir)) {
    std::string p = m.remove_all(dir + "/" + name);
    if (!p.empty()) problems += (problems.empty() ? "" : "; ") + p;
  }
  return problems;
}

}  // namespace kadm::phases::reset
