// `kadm init phase upload-certs`: the kubeadm-certs Secret that `join --control-plane
// --certificate-key` reads (reference §3.12), with upstream's flags and lines.
#include <fmt/format.h>

#include "host/fs.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "uploadcerts/uploadcerts.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases {
namespace {

// The CA keys are what a joining control plane needs; with an external CA there is nothing to
// share (upstream refuses the combination).
void refuse_external_ca(const InitData& d) {
  auto external = [&](const std::string& base) {
    return host::exists(d.cert_dir + "/" + base + ".crt") &&
           !host::exists(d.cert_dir + "/" + base + ".key");
  };
  if (external("ca") || external("front-proxy-ca"))
    throw Error(
        "can't use upload-certs with an external CA or an external front-proxy CA",
        "copy the certificates to the other control-plane nodes yourself and drop --upload-certs",
        kExitConfig);
}

void run_upload_certs(workflow::Context& ctx) {
  auto& d = ctx.data<InitData>();
  if (!d.upload_certs) {
    log::progress("[upload-certs] Skipping phase. Please see --upload-certs");
    return;
  }
  refuse_external_ca(d);
  std::string& key = d.init().certificate_key;
  if (key.empty()) key = uploadcerts::create_certificate_key();
  uploadcerts::decode_key(key, "--certificate-key (InitConfiguration.certificateKey)");
  uploadcerts::upload_certs(d.client(), d.cluster(), d.cert_dir, key, d.api_timeout());
  // The one secret meant to be printed: the other control planes need it to join.
  if (!d.skip_certificate_key_print)
    log::progress("[upload-certs] Using certificate key:\n{}", key);
}

}  // namespace

workflow::Phase upload_certs_phase() {
  workflow::Phase p;
  p.name = "upload-certs";
  p.short_help = fmt::format("Upload certificates to {}", uploadcerts::kSecretName);
  p.long_help =
      fmt::format("Upload control plane certificates to the {} Secret", uploadcerts::kSecretName);
  p.inherit_flags = {
      "certificate-key", "config", "dry-run", "kubeconfig", "skip-certificate-key-print",
      "upload-certs"};
  p.run = run_upload_certs;
  return p;
}

}  // namespace kadm::phases
