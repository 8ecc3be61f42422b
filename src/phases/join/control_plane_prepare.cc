// `kadm join phase control-plane-prepare`: everything a new control-plane instance needs on disk
// before its kubelet starts — the shared CAs and keys (downloaded from the kubeadm-certs Secret
// with the certificate key, or copied by the operator), this node's own certificates and
// kubeconfigs, and the static Pod manifests of kube-apiserver, kube-controller-manager and
// kube-scheduler.
#include <fmt/format.h>

#include "host/fs.h"
#include "kubeconfig/files.h"
#include "manifests/control_plane.h"
#include "patches/patches.h"
#include "phases/init/static_pod_io.h"
#include "phases/join/phases.h"
#include "pki/certlist.h"
#include "pki/keypool.h"
#include "pki/store.h"
#include "uploadcerts/uploadcerts.h"
#include "util/error.h"
#include "util/log.h"
#include "util/yaml_emit.h"

namespace kadm::phases::join {
namespace {

const std::vector<std::string> kDiscoveryFlags = {"discovery-file",
                                                  "discovery-token",
                                                  "discovery-token-ca-cert-hash",
                                                  "discovery-token-unsafe-skip-ca-verification",
                                                  "tls-bootstrap-token",
                                                  "token"};

std::vector<std::string> with_discovery(std::vector<std::string> flags) {
  flags.insert(flags.end(), kDiscoveryFlags.begin(), kDiscoveryFlags.end());
  return flags;
}

pki::PkiInputs pki_inputs(JoinData& d) {
  return pki::pki_inputs(d.init_cfg(), d.cluster(), d.release());
}

void run_download_certs(JoinData& d) {
  if (d.certificate_key().empty()) {
    log::v(1, "[download-certs] Skipping certs download");
    return;
  }
  std::string dir = d.cert_dir();
  if (d.dry_run)
    log::progress("[dryrun] Would download the shared certificates into {}",
                  d.cluster().certificates_dir);
  uploadcerts::download_certs(d.bootstrap_client(), d.cluster(), dir, d.certificate_key(),
                              d.release(), d.api_timeout());
}

bool absent(const std::string& dir, const std::string& base) {
  return !host::exists(pki::cert_path(dir, base)) && !host::exists(pki::key_path(dir, base));
}

std::string join_words(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

// upstream CreatePKIAssets on the joining node: the CAs must be there (downloaded or copied);
// every leaf this node needs is generated with them, in upstream's order and with its lines.
void run_certs(JoinData& d) {
  std::string dir = d.cert_dir();
  log::progress("[certs] Using certificateDir folder \"{}\"", d.cluster().certificates_dir);
  auto in = pki_inputs(d);
  auto& pool = pki::key_pool();
  bool external_etcd = d.cluster().etcd.external.has_value();
  // Start every missing leaf key on all cores, then sign in order.
  for (const auto& def : pki::cert_list()) {
    if ((def.etcd && external_etcd) || def.ca_name[0] == '\0') continue;
    if (absent(dir, def.base_name)) pool.prefetch(pki::pool_name(def), in.algorithm);
  }
  std::map<std::string, pki::CA> cas;
  for (const auto& def : pki::cert_list()) {
    if (def.etcd && external_etcd) continue;
    bool is_ca = def.ca_name[0] == '\0';
    if (is_ca) {
      if (absent(dir, def.base_name)) {
        throw Error(fmt::format("the certificate authority \"{}\" is missing from {}",
                                def.base_name, d.cluster().certificates_dir),
                    "a joining control plane uses the cluster's CAs: pass --certificate-key to "
                    "download them, or "
                    "copy them from an existing control-plane node");
      }
      pki::CA ca = pki::load_ca(def, dir);
      if (ca.key)
        log::progress("[certs] Using existing {} certificate authority", def.base_name);
      else
        log::progress("[certs] Using existing {} keyless certificate authority", def.base_name);
      cas[def.name] = ca;
      continue;
    }
    const pki::CA& ca = cas.at(pki::ca_of(def).name);
    if (absent(dir, def.base_name) && ca.key)
      log::progress("[certs] Generating \"{}\" certificate and key", def.base_name);
    pki::Leaf leaf = pki::ensure_leaf(def, in, dir, ca, pool);
    if (leaf.outcome == pki::Outcome::kReused) {
      log::progress("[certs] Using existing {} certificate and key on disk", def.base_name);
      continue;
    }
    auto usages = leaf.cert.ext_usages();
    if (std::find(usages.begin(), usages.end(), pki::ExtUsage::kServerAuth) != usages.end())
      log::progress("[certs] {} serving cert is signed for DNS names [{}] and IPs [{}]",
                    def.base_name, join_words(leaf.cert.dns_names()),
                    join_words(leaf.cert.ip_addresses()));
  }
  if (!host::exists(pki::key_path(dir, pki::kServiceAccountBaseName)))
    throw Error(
        fmt::format("the service account key {}/sa.key is missing", d.cluster().certificates_dir),
        "pass --certificate-key, or copy sa.key and sa.pub from an existing control-plane node");
  if (pki::ensure_service_account_key(in, dir, pool) == pki::Outcome::kReused)
    log::progress("[certs] Using the existing \"sa\" key");
  if (d.dry_run)
    log::progress("[dryrun] Would write the certificates above into {}",
                  d.cluster().certificates_dir);
}

// admin.conf, controller-manager.conf and scheduler.conf (upstream
// CreateJoinControlPlaneKubeConfigFiles); the kubelet gets its kubelet.conf by TLS bootstrap.
void run_kubeconfig(JoinData& d) {
  log::progress("[kubeconfig] Generating kubeconfig files");
  log::progress("[kubeconfig] Using kubeconfig folder \"{}\"", d.paths.kubeconfig_dir);
  std::string dir = d.kubeconfig_write_dir();
  auto in = pki_inputs(d);
  std::string cert_dir = d.cert_dir();
  pki::CA ca = pki::load_ca(*pki::find_cert("ca"), cert_dir);
  for (const char* file :
       {kubeconfig::kAdmin, kubeconfig::kControllerManager, kubeconfig::kScheduler}) {
    auto spec = kubeconfig::file_spec(file, d.init_cfg(), d.cluster(), d.release());
    std::string real = d.paths.kubeconfig_dir + "/" + file;
    if (!host::exists(dir + "/" + file))
      log::progress("[kubeconfig] Writing \"{}\" kubeconfig file", file);
    auto outcome = kubeconfig::ensure_file(dir, spec, d.cluster().cluster_name, ca.cert, ca.key, in,
                                           pki::key_pool());
    if (outcome == kubeconfig::Outcome::kReused)
      log::progress("[kubeconfig] Using existing kubeconfig file: \"{}\"", real);
    if (d.dry_run) log::progress("[dryrun] Would write \"{}\" (credentials withheld)", real);
  }
}

manifests::Input pod_input(JoinData& d) {
  manifests::Input in;
  in.cluster = &d.cluster();
  in.endpoint = d.init_cfg().local_api_endpoint;
  in.node_name = d.cfg.node_registration.name;
  in.health_check_timeout = d.control_plane_timeout();
  in.release = &d.release();
  in.host = gather_host_view(d.cluster().certificates_dir);
  return in;
}

void run_control_plane(JoinData& d) {
  log::progress("[control-plane] Using manifest folder \"{}\"", d.paths.manifest_dir());
  auto in = pod_input(d);
  for (const auto& component : manifests::control_plane_components()) {
    log::progress("[control-plane] Creating static Pod manifest for \"{}\"", component);
    std::vector<std::string> warnings;
    auto pod = manifests::control_plane_pod(in, component, &warnings);
    for (const auto& w : warnings) log::warning(w);
    write_join_static_pod(d, component, std::move(pod));
  }
}

workflow::Phase sub(const char* name, const char* help, std::vector<std::string> flags,
                    void (*run)(JoinData&)) {
  workflow::Phase p;
  p.name = name;
  p.short_help = help;
  p.inherit_flags = std::move(flags);
  p.run_if = [](workflow::Context& ctx) { return ctx.data<JoinData>().control_plane(); };
  p.run = [run](workflow::Context& ctx) { run(ctx.data<JoinData>()); };
  return p;
}

}  // namespace

void write_join_static_pod(JoinData& d, const std::string& component, nlohmann::json pod) {
  if (!d.patches_dir.empty()) {
    auto set = patches::load(d.patches_dir, patches::known_targets(d.release().minor));
    for (const auto& line : patches::reading_lines(set)) log::progress("{}", line);
    std::vector<std::string> applied;
    pod = patches::apply(set, component, std::move(pod), patches::Schema::Pod, &applied);
    for (const auto& line : applied) log::progress("{}", line);
  }
  d.write_file(d.paths.manifest_dir() + "/" + component + ".yaml", yaml::emit(pod), 0600);
}

workflow::Phase control_plane_prepare_phase() {
  workflow::Phase p;
  p.name = "control-plane-prepare";
  p.short_help = "Prepare the machine for serving a control plane";
  p.example =
      "  # Prepares the machine for serving a control plane\n  kadm join phase "
      "control-plane-prepare all";
  p.with_all = true;
  p.children.push_back(
      sub("download-certs",
          "[EXPERIMENTAL] Download certificates shared among control-plane nodes from the "
          "kubeadm-certs "
          "Secret",
          with_discovery({"certificate-key", "config", "control-plane", "dry-run"}),
          run_download_certs));
  p.children.push_back(sub("certs",
                           "Generate the certificates for the new control plane components",
                           with_discovery({"apiserver-advertise-address", "config", "control-plane",
                                           "node-name", "dry-run"}),
                           run_certs));
  p.children.push_back(sub(
      "kubeconfig", "Generate the kubeconfig for the new control plane components",
      with_discovery({"certificate-key", "config", "control-plane", "dry-run"}), run_kubeconfig));
  p.children.push_back(sub("control-plane",
                           "Generate the manifests for the new control plane components",
                           {"apiserver-advertise-address", "apiserver-bind-port", "config",
                            "control-plane", "patches", "experimental-patches", "dry-run"},
                           run_control_plane));
  return p;
}

}  // namespace kadm::phases::join
