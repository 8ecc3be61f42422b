// `kadm join phase control-plane-join` (etcd, update-status, mark-control-plane) and the hidden
// wait-control-plane phase: the new instance becomes part of the control plane.
#include <fmt/format.h>

#include "api/encode.h"
#include "api/yaml_reader.h"
#include "kube/apply.h"
#include "kubeconfig/files.h"
#include "phases/init/phases.h"
#include "phases/join/phases.h"
#include "phases/wait.h"
#include "util/error.h"
#include "util/log.h"
#include "util/yaml_emit.h"

namespace kadm::phases::join {
namespace {

using kube::json;

std::vector<std::string> flags_for(const std::string& sub) {
  // upstream getControlPlaneJoinPhaseFlags.
  std::vector<std::string> f = {"config", "control-plane", "node-name"};
  if (sub == "etcd" || sub == "all") f.insert(f.end(), {"patches", "experimental-patches"});
  if (sub != "mark-control-plane") f.push_back("apiserver-advertise-address");
  if (sub != "update-status") f.push_back("dry-run");
  return f;
}

// v1.21 and older: this node's API endpoint in the ClusterStatus of kubeadm-config.
void run_update_status(JoinData& d) {
  if (!d.release().cluster_status) {
    log::v(1,
           "[control-plane-join] update-status is a no-op: Kubernetes v1.{} keeps no ClusterStatus",
           d.release().minor);
    return;
  }
  log::progress(
      "[upload-config] Storing the configuration used in ConfigMap \"kubeadm-config\" in the "
      "\"kube-system\" "
      "Namespace");
  const auto& ep = d.init_cfg().local_api_endpoint;
  const std::string& node = d.cfg.node_registration.name;
  auto& client = d.admin_client();
  kube::Ref ref{"v1", "configmaps", "kube-system", "kubeadm-config"};
  kube::poll_immediate(
      "error uploading configuration", kube::kRetryInterval, std::chrono::seconds(40),
      [&]() -> std::optional<std::string> {
        auto g = client.get(ref);
        if (!g.status.ok()) return g.status.describe();
        json cm = g.object;
        json status = {{"apiVersion", api::api_version(d.release().written_schema)},
                       {"kind", "ClusterStatus"},
                       {"apiEndpoints", json::object()}};
        const auto data = cm.value("data", json::object());
        if (data.contains("ClusterStatus") && data["ClusterStatus"].is_string()) {
          auto docs = api::parse_documents(data["ClusterStatus"].get<std::string>(),
                                           "kubeadm-config ClusterStatus");
          if (!docs.empty()) {
            auto existing = api::to_json(docs.front().root);
            if (existing.contains("apiEndpoints") && existing["apiEndpoints"].is_object())
              status["apiEndpoints"] = existing["apiEndpoints"];
          }
        }
        status["apiEndpoints"][node] = {{"advertiseAddress", ep.advertise_address},
                                        {"bindPort", ep.bind_port}};
        cm["data"]["ClusterStatus"] = yaml::emit(status);
        auto u = client.update(cm);
        if (u.status.ok()) return std::nullopt;
        return u.status.describe();
      });
}

void run_mark_control_plane(JoinData& d) {
  if (d.dry_run)
    log::progress("[control-plane-join] Would mark node {} as a control-plane",
                  d.cfg.node_registration.name);
  mark_control_plane(
      d.admin_client(), d.cfg.node_registration.name, d.release(), d.cfg.node_registration.taints,
      d.release().node_patch_timeout_fixed ? Duration(std::chrono::minutes(2)) : d.api_timeout());
}

workflow::Phase sub(const std::string& name, const std::string& help, void (*run)(JoinData&)) {
  workflow::Phase p;
  p.name = name;
  p.short_help = help;
  p.inherit_flags = flags_for(name);
  p.run_if = [](workflow::Context& ctx) { return ctx.data<JoinData>().control_plane(); };
  p.run = [run](workflow::Context& ctx) { run(ctx.data<JoinData>()); };
  return p;
}

// The health URLs of this node's control plane: its API server (always, kadm: "both API servers
// serve"), and with WaitForAllControlPlaneComponents the controller-manager and scheduler.
struct Component {
  std::string name;
  std::string url_host;
  int port;
  std::string path;
};

}  // namespace

bool kubelet_local_mode(JoinData& d) {
  switch (d.release().kubelet_local_mode) {
    case 0:
      return false;
    case 1:
      return kubeconfig::feature_enabled(d.cluster(), d.release(), "ControlPlaneKubeletLocalMode");
    default:
      return true;
  }
}

workflow::Phase control_plane_join_phase() {
  workflow::Phase p;
  p.name = "control-plane-join";
  p.short_help = "Join a machine as a control plane instance";
  p.example =
      "  # Joins a machine as a control plane instance\n  kadm join phase control-plane-join all";
  p.with_all = true;
  auto etcd = sub("etcd", "Add a new local etcd member", join_etcd);
  etcd.run_if = [](workflow::Context& ctx) {
    auto& d = ctx.data<JoinData>();
    return d.control_plane() && !kubelet_local_mode(d);
  };
  p.children.push_back(etcd);
  auto status = sub(
      "update-status",
      "Register the new control-plane node into the ClusterStatus maintained in the kubeadm-config "
      "ConfigMap (DEPRECATED)",
      run_update_status);
  // Listed by releases up to v1.30 (a no-op from v1.22); accepted by every release.
  status.hidden = !versions::newest_release().join_update_status_phase;
  status.run_if = [](workflow::Context& ctx) {
    auto& d = ctx.data<JoinData>();
    return d.control_plane() && d.release().join_update_status_phase;
  };
  p.children.push_back(status);
  p.children.push_back(
      sub("mark-control-plane", "Mark a node as a control-plane", run_mark_control_plane));
  return p;
}

workflow::Phase wait_control_plane_phase() {
  workflow::Phase p;
  p.name = "wait-control-plane";
  p.short_help = "Wait for the control plane to start";
  p.hidden = true;
  p.inherit_flags = {"config", "dry-run"};
  p.run_if = [](workflow::Context& ctx) { return ctx.data<JoinData>().control_plane(); };
  p.run = [](workflow::Context& ctx) {
    auto& d = ctx.data<JoinData>();
    const auto& r = d.release();
    const auto& ep = d.init_cfg().local_api_endpoint;
    std::vector<Component> components = {
        {"kube-apiserver", ep.advertise_address, ep.bind_port, "/livez"}};
    bool all = r.join_wait_control_plane == 2 ||
               (r.join_wait_control_plane == 1 &&
                kubeconfig::feature_enabled(d.cluster(), r, "WaitForAllControlPlaneComponents"));
    if (all) {
      components.push_back({"kube-controller-manager", "127.0.0.1", 10257, "/healthz"});
      components.push_back({"kube-scheduler", "127.0.0.1", 10259, "/livez"});
    }
    if (d.dry_run) {
      for (const auto& c : components)
        log::progress("[dryrun] Would wait for {} at https://{}:{}{}", c.name, c.url_host, c.port,
                      c.path);
      return;
    }
    log::progress(
        "[control-plane-check] Waiting for healthy control plane components. This can take up to "
        "{}",
        format_duration(d.control_plane_timeout()));
    api::ConfigSet probe_cfg;
    probe_cfg.kubelet = d.cluster_kubelet_config();
    auto kubelet = kubelet_probe(probe_cfg);
    for (const auto& c : components) {
      net::TlsConfig tls;
      tls.insecure_skip_verify = true;  // health endpoints only; nothing is sent but the GET
      std::string server = fmt::format("https://{}:{}", c.url_host, c.port);
      auto client =
          kube::make_client(server, tls, "",
                            kube::ClientOptions{net::Timeouts{std::chrono::milliseconds(2000),
                                                              std::chrono::milliseconds(5000)}});
      std::string url = server + c.path;
      log::progress("[control-plane-check] Checking {} at {}", c.name, url);
      wait_for(
          c.name, d.control_plane_timeout(),
          [&]() -> std::optional<std::string> {
            auto res = client->get_path(c.path);
            if (res.status.ok()) return std::nullopt;
            return res.status.describe();
          },
          [&](const std::string& last) {
            return diagnose_component(c.name, d.cfg.node_registration.name, url, last, kubelet);
          });
      log::progress("[control-plane-check] {} is healthy", c.name);
    }
  };
  return p;
}

}  // namespace kadm::phases::join
