// `kadm init phase etcd local`: the static Pod manifest of a single-member local etcd.
#include "manifests/etcd.h"

#include <fmt/format.h>

#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "phases/init/static_pod_io.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases {

workflow::Phase etcd_phase() {
  workflow::Phase p;
  p.name = "etcd";
  p.short_help = "Generate static Pod manifest file for local etcd";
  workflow::Phase local;
  local.name = "local";
  local.short_help =
      "Generate the static Pod manifest file for a local, single-node local etcd instance";
  local.inherit_flags = {
      "config", "cert-dir", "image-repository", "patches", "experimental-patches", "dry-run"};
  local.run = [](workflow::Context& ctx) {
    auto& data = ctx.data<InitData>();
    if (data.cluster().etcd.external) {
      // Upstream skips the phase silently for external etcd (klog V(1)).
      log::v(1, "[etcd] External etcd mode. Skipping the creation of a manifest for local etcd");
      return;
    }
    log::progress("[etcd] Creating static Pod manifest for local etcd in \"{}\"",
                  data.manifest_dir);
    auto in = static_pod_input(data);
    write_static_pod(data, "etcd", manifests::etcd_pod(in));
  };
  p.children.push_back(local);
  return p;
}

}  // namespace kadm::phases
