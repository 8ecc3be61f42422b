// `kadm join phase preflight`: the node checks of join (and, for a new control-plane instance,
// the init checks and image pulls), discovery, and the cluster's readiness for another control
// plane (a controlPlaneEndpoint; the shared certificates or a certificate key).
#include <fmt/format.h>

#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "cri/runtime.h"
#include "host/fs.h"
#include "host/init_system.h"
#include "host/machine.h"
#include "net/transport.h"
#include "phases/join/phases.h"
#include "preflight/check.h"
#include "preflight/node_checks.h"
#include "preflight/runtime.h"
#include "uploadcerts/uploadcerts.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases::join {
namespace {

// upstream notReadyToJoinControlPlaneTemp.
std::string not_ready_message(const std::string& error) {
  return fmt::format(
      "One or more conditions for hosting a new control plane instance is not "
      "satisfied.\n\n{}\n\nPlease ensure that:\n"
      "* The cluster has a stable controlPlaneEndpoint address.\n"
      "* The certificates that must be shared among control plane instances are provided.\n",
      error);
}

// upstream checkIfReadyForAdditionalControlPlane.
void check_ready_for_control_plane(JoinData& d) {
  const auto& cluster = d.cluster();
  if (cluster.control_plane_endpoint.empty()) {
    throw Error(
        not_ready_message(
            "unable to add a new control plane instance to a cluster that doesn't have a stable "
            "controlPlaneEndpoint address"),
        "set controlPlaneEndpoint in the ClusterConfiguration (kubectl -n kube-system edit cm "
        "kubeadm-config) "
        "and regenerate the API server certificates, or re-create the cluster with "
        "--control-plane-endpoint");
  }
  if (!d.certificate_key().empty()) return;
  // Without a key the shared certificates must have been copied here (upstream
  // SharedCertificateExists).
  std::string missing;
  for (const auto& f : uploadcerts::certs_to_transfer(cluster, cluster.certificates_dir)) {
    if (!host::exists(f.path)) missing += (missing.empty() ? "" : ", ") + f.path;
  }
  if (!missing.empty()) {
    throw Error(
        not_ready_message(fmt::format(
            "the certificates shared among control-plane nodes are missing: {}", missing)),
        "pass --certificate-key with the key printed by 'kadm init --upload-certs' (or 'kadm init "
        "phase "
        "upload-certs --upload-certs'), or copy these files from an existing control-plane node");
  }
}

// The machine the checks look at, with the slow read-only commands they will run (the kubelet's
// --version, unless its binary records it: a large Go binary, 50-150 ms to start; the kubelet
// service's state from the init system) started ahead, while discovery waits on the network; the
// checks then find the answers ready. Same results, one join faster.
class PrefetchingMachine : public host::SystemMachine {
 public:
  void prefetch(const std::vector<std::string>& argv) {
    std::lock_guard<std::mutex> lock(mu_);
    if (jobs_.count(argv)) return;
    jobs_[argv] = std::async(std::launch::async, [this, argv] {
                    return host::SystemMachine::run(argv);
                  }).share();
  }
  host::CommandResult run(const std::vector<std::string>& argv) override {
    std::shared_future<host::CommandResult> job;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = jobs_.find(argv); it != jobs_.end()) job = it->second;
    }
    return job.valid() ? job.get() : host::SystemMachine::run(argv);
  }

 private:
  std::mutex mu_;
  std::map<std::vector<std::string>, std::shared_future<host::CommandResult>> jobs_;
};

void run_preflight(workflow::Context& ctx) {
  auto& d = ctx.data<JoinData>();
  log::progress("[preflight] Running pre-flight checks");
  // Discovery needs the HTTP client at once, the checks after it the CRI client: both load on a
  // thread of their own, in that order, while this one runs the root checks and then waits on
  // the network (two dlopens at once would only queue on the loader's lock).
  std::thread([] {
    net::preload_module();
    if (cri::module_available()) cri::preload_module();
  }).detach();
  PrefetchingMachine machine;
  if (machine.on_path("kubelet") && !host::recorded_kubelet_version(machine))
    machine.prefetch({"kubelet", "--version"});
  if (auto init = host::detect_init_system(machine, nullptr))
    for (const auto& argv : init->service_queries("kubelet")) machine.prefetch(argv);
  auto ignore = preflight::IgnoreSet::parse(join_options().ignore_preflight_errors,
                                            d.cfg.node_registration.ignore_preflight_errors);
  {
    preflight::Env env{machine, nullptr};
    preflight::run_or_throw(preflight::root_checks(), env, ignore);
  }
  // Discovery and the cluster's configuration: the checks depend on the cluster's release and the
  // CRI socket it implies.
  const auto& r = d.release();
  auto runtime = preflight::container_runtime(machine, d.cfg.node_registration.cri_socket, &r);
  preflight::Env env{machine, runtime.get()};
  log::v(1, "[preflight] Running general checks");
  preflight::run_or_throw(preflight::join_checks({d.cfg, r, {}}), env, ignore);

  if (!d.control_plane()) return;
  log::v(1, "[preflight] Running configuration dependant checks");
  check_ready_for_control_plane(d);
  log::progress(
      "[preflight] Running pre-flight checks before initializing the new control plane instance");
  preflight::InitInputs in{d.init_cfg(),           d.cluster(), r,
                           d.kubernetes_version(), true,        !d.certificate_key().empty(),
                           preflight::Paths{}};
  preflight::run_or_throw(preflight::init_checks(in), env, ignore);
  log::progress("[preflight] Pulling images required for setting up a Kubernetes cluster");
  log::progress(
      "[preflight] This might take a minute or two, depending on the speed of your internet "
      "connection");
  log::progress(
      "[preflight] You can also perform this action in beforehand using 'kubeadm config images "
      "pull'");
  preflight::run_or_throw(preflight::pull_images_checks(d.cluster(), d.cfg.node_registration), env,
                          ignore);
}

}  // namespace

workflow::Phase preflight_phase() {
  workflow::Phase p;
  p.name = "preflight";
  p.short_help = "Run join pre-flight checks";
  p.long_help = "Run pre-flight checks for kadm join.";
  p.example =
      "  # Run join pre-flight checks using a config file.\n  kadm join phase preflight --config "
      "kubeadm-config.yaml";
  p.inherit_flags = {"config",
                     "ignore-preflight-errors",
                     "tls-bootstrap-token",
                     "token",
                     "control-plane",
                     "apiserver-advertise-address",
                     "apiserver-bind-port",
                     "cri-socket",
                     "node-name",
                     "discovery-file",
                     "discovery-token",
                     "discovery-token-ca-cert-hash",
                     "discovery-token-unsafe-skip-ca-verification",
                     "certificate-key",
                     "dry-run"};
  p.run = run_preflight;
  return p;
}

}  // namespace kadm::phases::join
