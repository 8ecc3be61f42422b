// init phase kubelet-finalize: point kubelet.conf at the rotating client certificate once the
// kubelet has one (§3.11).
#include <fmt/format.h>

#include "host/fs.h"
#include "host/kubelet.h"
#include "kubeconfig/kubeconfig.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "util/log.h"

namespace kadm::phases {
namespace {

void enable_client_cert_rotation(InitData& d) {
  std::string pem = "/var/lib/kubelet/pki/kubelet-client-current.pem";
  std::string conf = d.kubeconfig_dir + "/kubelet.conf";
  if (d.dry_run) {
    log::progress("[dryrun] Would update \"{}\" to point to {}", conf, pem);
    return;
  }
  if (!host::exists(pem)) {
    log::v(1, "[kubelet-finalize] {} does not exist yet; kubelet.conf keeps its embedded credentials", pem);
    return;
  }
  log::progress("[kubelet-finalize] Updating \"{}\" to point to a rotatable kubelet client certificate and key", conf);
  auto cfg = kubeconfig::load(conf);
  std::string user = "system:node:" + d.init().node_registration.name;
  for (auto& u : cfg.users) {
    if (u.name != user && cfg.users.size() > 1) continue;
    u.client_cert_data.clear();
    u.client_key_data.clear();
    u.client_cert_file = pem;
    u.client_key_file = pem;
  }
  host::write_file_atomic(conf, kubeconfig::serialize(cfg), 0600);
  for (const auto& line : host::try_start_kubelet("kubelet-finalize")) log::v(1, "{}", line);
}

}  // namespace

workflow::Phase kubelet_finalize_phase() {
  workflow::Phase p;
  p.name = "kubelet-finalize";
  p.short_help = "Updates settings relevant to the kubelet after TLS bootstrap";
  p.with_all = true;
  p.example = "  # Updates settings relevant to the kubelet after TLS bootstrap\"\n  kadm init phase kubelet-finalize all --config";
  workflow::Phase rotation;
  rotation.name = "enable-client-cert-rotation";
  rotation.short_help = "Enable kubelet client certificate rotation";
  rotation.inherit_flags = {"cert-dir", "config", "dry-run"};
  rotation.run = [](workflow::Context& ctx) { enable_client_cert_rotation(ctx.data<InitData>()); };
  p.children = {rotation};
  return p;
}

}  // namespace kadm::phases
