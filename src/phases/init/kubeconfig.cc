// `kadm init phase kubeconfig`: admin.conf (and super-admin.conf from v1.29), kubelet.conf,
// controller-manager.conf and scheduler.conf, with upstream's sub-phases, flags and lines.
#include <fmt/format.h>

#include "host/fs.h"
#include "kubeconfig/files.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "pki/certlist.h"
#include "pki/keypool.h"
#include "pki/store.h"
#include "util/log.h"

namespace kadm::phases {
namespace {

struct FilePhase {
  const char* phase;
  const char* file;
  const char* short_help;
  const char* long_help;
};

const FilePhase kFiles[] = {
    {"admin", kubeconfig::kAdmin,
     "Generate a kubeconfig file for the admin to use and for kadm itself",
     "Generate the kubeconfig file for the admin and for kadm itself, and save it to admin.conf "
     "file."},
    {"super-admin", kubeconfig::kSuperAdmin, "Generate a kubeconfig file for the super-admin",
     "Generate a kubeconfig file for the super-admin, and save it to super-admin.conf file."},
    {"kubelet", kubeconfig::kKubelet,
     "Generate a kubeconfig file for the kubelet to use *only* for cluster bootstrapping purposes",
     "Generate the kubeconfig file for the kubelet to use and save it to kubelet.conf file.\n\n"
     "Please note that this should *only* be used for cluster bootstrapping purposes. After your "
     "control plane is "
     "up, you should request all kubelet credentials from the CSR API."},
    {"controller-manager", kubeconfig::kControllerManager,
     "Generate a kubeconfig file for the controller manager to use",
     "Generate the kubeconfig file for the controller manager to use and save it to "
     "controller-manager.conf file"},
    {"scheduler", kubeconfig::kScheduler, "Generate a kubeconfig file for the scheduler to use",
     "Generate the kubeconfig file for the scheduler to use and save it to scheduler.conf file."},
};

bool has_file(const versions::Release& r, const std::string& file) {
  for (const auto& f : kubeconfig::init_file_names(r))
    if (f == file) return true;
  return false;
}

void run_file(const FilePhase& fp, workflow::Context& ctx) {
  auto& d = ctx.data<InitData>();
  if (!has_file(d.release(), fp.file)) {
    // The phase list is the newest release's; older releases simply do not have this file.
    std::string why = fmt::format(
        "[kubeconfig] Skipping \"{}\": kubeadm for Kubernetes v1.{} does not write it (it arrived "
        "in v1.29)",
        fp.file, d.release().minor);
    if (ctx.invocation().command().name == fp.phase)
      log::progress("{}", why);
    else
      log::v(1, "{}", why);
    return;
  }
  auto in = pki::pki_inputs(d.init(), d.cluster(), d.release());
  const pki::CertDef& ca_def = *pki::find_cert("ca");
  pki::CA ca = pki::load_ca(ca_def, d.cert_dir);
  auto spec = kubeconfig::file_spec(fp.file, d.init(), d.cluster(), d.release());
  std::string path = d.kubeconfig_dir + "/" + fp.file;
  if (!host::exists(path)) log::progress("[kubeconfig] Writing \"{}\" kubeconfig file", fp.file);
  auto outcome = kubeconfig::ensure_file(d.kubeconfig_dir, spec, d.cluster().cluster_name, ca.cert,
                                         ca.key, in, pki::key_pool());
  if (outcome == kubeconfig::Outcome::kReused)
    log::progress("[kubeconfig] Using existing kubeconfig file: \"{}\"", path);
}

}  // namespace

workflow::Phase kubeconfig_phase() {
  workflow::Phase p;
  p.name = "kubeconfig";
  p.short_help =
      "Generate all kubeconfig files necessary to establish the control plane and the admin "
      "kubeconfig file";
  p.with_all = true;
  p.run = [](workflow::Context& ctx) {
    auto& d = ctx.data<InitData>();
    log::progress("[kubeconfig] Using kubeconfig folder \"{}\"", d.kubeconfig_dir);
    if (!host::exists(pki::key_path(d.cert_dir, "ca"))) return;  // external CA: nothing to sign
    auto algo = pki::pki_inputs(d.init(), d.cluster(), d.release()).algorithm;
    for (const auto& f : kubeconfig::init_file_names(d.release()))
      if (!host::exists(d.kubeconfig_dir + "/" + f))
        pki::key_pool().prefetch(kubeconfig::pool_name(f), algo);
  };
  for (const auto& fp : kFiles) {
    workflow::Phase c;
    c.name = fp.phase;
    c.short_help = fp.short_help;
    c.long_help = fp.long_help;
    c.inherit_flags = {"apiserver-advertise-address",
                       "apiserver-bind-port",
                       "cert-dir",
                       "config",
                       "control-plane-endpoint",
                       "dry-run",
                       "kubeconfig-dir",
                       "kubernetes-version"};
    if (std::string(fp.phase) == "kubelet") c.inherit_flags.push_back("node-name");
    const FilePhase* f = &fp;
    c.run = [f](workflow::Context& ctx) { run_file(*f, ctx); };
    p.children.push_back(c);
  }
  return p;
}

}  // namespace kadm::phases
