// `kadm join phase tls-bootstrap` (kadm, hidden): discovery and the TLS bootstrap without a
// kubelet. It does what the kubelet does with bootstrap-kubelet.conf (reference §5 steps 3-6): an
// ECDSA P-256 key, a CSR for system:node:<name> in system:nodes with the kubelet client signer,
// created with the bootstrap token and approved by the cluster as any kubelet's, then a kubeconfig
// with the issued certificate. The concurrency benchmark (bench/join-concurrent.sh) runs many of
// these at once against one control plane.
#include <fmt/format.h>

#include <thread>

#include "kube/apply.h"
#include "phases/join/phases.h"
#include "pki/cert.h"
#include "pki/key.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases::join {
namespace {

using Clock = std::chrono::steady_clock;

void run_tls_bootstrap(workflow::Context& ctx) {
  auto& d = ctx.data<JoinData>();
  auto start = Clock::now();
  const std::string& node = d.cfg.node_registration.name;
  auto& tb = d.tls_bootstrap_config();
  auto discovered = Clock::now();
  auto key = pki::generate_key(pki::KeyAlgorithm::kECDSAP256);
  pki::CertSpec spec;
  spec.common_name = "system:node:" + node;
  spec.organizations = {"system:nodes"};
  std::string csr_pem = pki::create_csr_pem(spec, key);
  kube::json csr = {{"apiVersion", "certificates.k8s.io/v1"},
                    {"kind", "CertificateSigningRequest"},
                    {"metadata", {{"generateName", "node-csr-"}}},
                    {"spec",
                     {{"request", kubeconfig::base64_encode(csr_pem)},
                      {"signerName", "kubernetes.io/kube-apiserver-client-kubelet"},
                      {"usages", {"digital signature", "key encipherment", "client auth"}}}}};
  auto& client = d.bootstrap_client();
  auto created = client.create(csr);
  if (!created.status.ok())
    throw Error(
        fmt::format("cannot create the CertificateSigningRequest for {}: {}", spec.common_name,
                    created.status.describe()),
        "the token needs the authentication usage and the kubeadm:kubelet-bootstrap binding");
  std::string name = created.object["metadata"].value("name", "");
  log::progress("[tls-bootstrap] Created CertificateSigningRequest {} for {}", name,
                spec.common_name);
  kube::Ref ref{"certificates.k8s.io/v1", "certificatesigningrequests", "", name};
  std::string cert_b64;
  auto deadline = Clock::now() + d.tls_bootstrap_timeout();
  std::string last = "not issued yet";
  while (cert_b64.empty()) {
    auto g = client.get(ref);
    if (g.status.ok()) {
      const auto status = g.object.value("status", kube::json::object());
      for (const auto& c : status.value("conditions", kube::json::array()))
        if (c.value("type", "") == "Denied" || c.value("type", "") == "Failed")
          throw Error(fmt::format("CertificateSigningRequest {} was {}: {}", name,
                                  c.value("type", ""), c.value("message", "")));
      if (status.contains("certificate") && status["certificate"].is_string())
        cert_b64 = status["certificate"];
    } else {
      last = g.status.describe();
    }
    if (!cert_b64.empty()) break;
    if (Clock::now() >= deadline)
      throw Error(fmt::format("CertificateSigningRequest {} was not issued within {}: {}", name,
                              format_duration(d.tls_bootstrap_timeout()), last),
                  "the controller-manager approves and signs kubelet client CSRs; is it running?",
                  kExitTimeout);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto cert_pem = kubeconfig::base64_decode(cert_b64);
  if (!cert_pem)
    throw Error(
        fmt::format("CertificateSigningRequest {} carries a certificate that is not base64", name));
  auto cert = pki::parse_certificate(*cert_pem, "the issued certificate");
  auto cur = kubeconfig::current(tb, "the TLS bootstrap kubeconfig");
  auto conf = kubeconfig::with_client_cert(cur.cluster.server, cur.cluster.name, "default-auth",
                                           cur.ca_pem, key.private_pem(), *cert_pem);
  std::string dir = join_options().bootstrap_out_dir.empty() ? d.paths.kubeconfig_dir
                                                             : join_options().bootstrap_out_dir;
  d.write_file(dir + "/kubelet.conf", kubeconfig::serialize(conf), 0600, true);
  auto ms = [](Clock::duration x) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(x).count();
  };
  log::progress("[tls-bootstrap] {} got its client certificate (CN={}); discovery {}ms, total {}ms",
                node, cert.common_name(), ms(discovered - start), ms(Clock::now() - start));
}

}  // namespace

workflow::Phase tls_bootstrap_phase() {
  workflow::Phase p;
  p.name = "tls-bootstrap";
  p.short_help =
      "[kadm] Discovery and TLS bootstrap without a kubelet: submit the node's CSR and wait for it";
  p.hidden = true;
  p.inherit_flags = {"config",
                     "node-name",
                     "discovery-file",
                     "discovery-token",
                     "discovery-token-ca-cert-hash",
                     "discovery-token-unsafe-skip-ca-verification",
                     "tls-bootstrap-token",
                     "token",
                     "dry-run"};
  p.local_flags.push_back(cli::Flag{
      "bootstrap-out-dir", 0, "Directory for the resulting kubelet.conf (default /etc/kubernetes)",
      &join_options().bootstrap_out_dir});
  // Never part of a whole `kadm join`: only when invoked as its own command.
  p.run_if = [](workflow::Context& ctx) {
    return ctx.invocation().command().name == "tls-bootstrap";
  };
  p.run = run_tls_bootstrap;
  return p;
}

}  // namespace kadm::phases::join
