// `kadm join phase preflight`: discovery, and the cluster's readiness for another control plane
// (a controlPlaneEndpoint; the shared certificates or a certificate key). The node checks of join
// (and the init checks and image pulls of a new control-plane instance) come with src/preflight.
#include <fmt/format.h>

#include "host/fs.h"
#include "phases/join/phases.h"
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

void run_preflight(workflow::Context& ctx) {
  auto& d = ctx.data<JoinData>();
  log::progress("[preflight] Running pre-flight checks");
  // TODO(preflight): the join node checks (preflight::join_checks) once src/preflight is in.
  d.release();  // discovery and the cluster's configuration
  if (!d.control_plane()) return;
  log::v(1, "[preflight] Running configuration dependant checks");
  check_ready_for_control_plane(d);
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
