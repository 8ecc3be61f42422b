#include "phases/init/data.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>

#include "addons/ensure.h"
#include "api/defaults.h"
#include "api/validate.h"
#include "cli/config_flags.h"
#include "host/fs.h"
#include "kube/apply.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases {

InitOptions& init_options() {
  static InitOptions o;
  return o;
}

namespace {

// Flags that may accompany --config (upstream ValidateMixedArguments).
const std::vector<std::string> kAllowedWithConfig = {
    "config", "ignore-preflight-errors", "dry-run", "fix", "kubeconfig", "kubeconfig-dir", "node-name",
    "patches", "experimental-patches", "upload-certs", "certificate-key", "output", "csr-dir",
    "csr-only", "print-manifest"};

// Applies the flags that describe the configuration (only when there is no --config).
void apply_config_flags(const cli::Invocation& inv, const InitOptions& o, api::ConfigSet& set) {
  auto& i = *set.init;
  auto& c = *set.cluster;
  auto changed = [&](const char* f) { return inv.changed(f); };
  if (changed("apiserver-advertise-address")) i.local_api_endpoint.advertise_address = o.advertise_address;
  if (changed("apiserver-bind-port")) i.local_api_endpoint.bind_port = o.bind_port;
  if (changed("apiserver-cert-extra-sans")) c.api_server.cert_sans = o.cert_extra_sans;
  if (changed("control-plane-endpoint")) c.control_plane_endpoint = o.control_plane_endpoint;
  if (changed("service-cidr")) c.networking.service_subnet = o.service_cidr;
  if (changed("service-dns-domain")) c.networking.dns_domain = o.service_dns_domain;
  if (changed("pod-network-cidr")) c.networking.pod_subnet = o.pod_network_cidr;
  if (changed("kubernetes-version")) c.kubernetes_version = o.kubernetes_version;
  if (changed("image-repository")) c.image_repository = o.image_repository;
  if (changed("cert-dir")) c.certificates_dir = o.cert_dir;
  if (changed("cri-socket")) i.node_registration.cri_socket = o.cri_socket;
  if (changed("feature-gates"))
    for (auto& [k, v] : cli::parse_feature_gates(o.feature_gates)) c.feature_gates[k] = v;
  if (changed("token") || changed("token-ttl")) {
    api::BootstrapToken t;
    t.token = o.token;
    t.ttl = o.token_ttl;
    t.description = api::kDefaultTokenDescriptionInit;
    i.bootstrap_tokens = {t};
  }
  if (changed("skip-phases")) i.skip_phases = o.skip_phases;
}

}  // namespace

InitData::InitData(const cli::Invocation& inv) {
  const InitOptions& o = init_options();
  cli::check_config_mixing(inv, kAllowedWithConfig);
  if (!o.config_path.empty()) {
    config = cli::load_config_or_throw(o.config_path);
    if (config.join && !config.init && !config.cluster) {
      throw Error(fmt::format("{} holds a JoinConfiguration only", o.config_path),
                  "kadm init needs an InitConfiguration and/or ClusterConfiguration; use kadm join for "
                  "this file",
                  kExitConfig);
    }
  }
  if (!config.init) config.init = api::InitConfiguration{};
  if (!config.cluster) config.cluster = api::ClusterConfiguration{};
  apply_config_flags(inv, o, config);
  // Flags allowed together with --config override the file.
  if (inv.changed("node-name")) config.init->node_registration.name = o.node_name;
  if (inv.changed("certificate-key")) config.init->certificate_key = o.certificate_key;
  if (inv.changed("dry-run") && o.dry_run) config.init->dry_run = true;
  std::string patches = !o.patches.empty() ? o.patches : o.experimental_patches;
  if (!patches.empty()) config.init->patches = api::Patches{patches};

  // Without --config, init's token flags make the default token, which carries upstream's
  // description; a configuration file's tokens are taken as written.
  if (config.init->bootstrap_tokens.empty() && o.config_path.empty()) {
    api::BootstrapToken t;
    t.description = api::kDefaultTokenDescriptionInit;
    config.init->bootstrap_tokens.push_back(t);
  }
  // Skipping an addon phase and disabling the addon are one setting (v1beta4), so the uploaded
  // kubeadm-config says so too.
  std::vector<std::string> skip = o.skip_phases.empty() ? config.init->skip_phases : o.skip_phases;
  config.init->skip_phases = addons::manage_skipped_addons(*config.cluster, skip);
  api::check_valid(config);  // what the user wrote, with their line numbers
  api::set_defaults(config);
  api::set_dynamic_defaults(config, api::real_host_facts());
  api::check_valid(config);  // and what defaulting derived from it

  release_ = &versions::release_for(version());
  dry_run = config.init->dry_run;
  for (auto e : o.ignore_preflight_errors) {
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    ignore_preflight_errors.insert(e);
  }
  for (auto e : config.init->node_registration.ignore_preflight_errors) {
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    ignore_preflight_errors.insert(e);
  }
  if (ignore_preflight_errors.count("all") && ignore_preflight_errors.size() > 1) {
    throw Error("don't specify individual checks if 'all' is used",
                "use either --ignore-preflight-errors=all or a list of check names", kExitUsage);
  }

  upload_certs = o.upload_certs;
  skip_token_print = o.skip_token_print;
  skip_certificate_key_print = o.skip_certificate_key_print;
  output = o.output;
  if (!output.empty() && output != "json" && output != "yaml")
    throw Error("invalid --output \"" + output + "\"", "use -o json or -o yaml", kExitUsage);
  cert_dir = config.cluster->certificates_dir;
  kubeconfig_dir = o.kubeconfig_dir;
  admin_kubeconfig_ = inv.changed("kubeconfig") ? o.kubeconfig_path : "";
  manifest_dir = kubeconfig_dir + "/manifests";
  kubelet_dir = "/var/lib/kubelet";
  if (config.init->patches) patches_dir = config.init->patches->directory;
  if (dry_run) {
    // Upstream writes into /etc/kubernetes/tmp; kadm uses TMPDIR so that a dry run works without
    // root and never touches /etc/kubernetes.
    const char* tmp = getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/kadm-init-dryrun-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw Error("cannot create a temporary directory for --dry-run in " + tmpl);
    dry_run_dir = tmpl;
    cert_dir = dry_run_dir + "/pki";
    kubeconfig_dir = dry_run_dir;
    manifest_dir = dry_run_dir + "/manifests";
    kubelet_dir = dry_run_dir + "/kubelet";
    log::progress("[dryrun] Writing files to {} instead of the real paths", dry_run_dir);
  }
}

std::string InitData::admin_kubeconfig() const {
  return admin_kubeconfig_.empty() ? kubeconfig_dir + "/admin.conf" : admin_kubeconfig_;
}

Duration InitData::api_timeout() const {
  const auto& t = config.init->timeouts;
  return t && t->kubernetes_api_call ? *t->kubernetes_api_call : std::chrono::minutes(1);
}

kube::Client& InitData::health_client() {
  if (!health_client_) {
    // Short deadlines: a probe that hangs on a starting API server is retried, not waited out.
    kube::ClientOptions o;
    o.timeouts = {std::chrono::milliseconds(2000), std::chrono::milliseconds(5000)};
    health_client_ = dry_run ? kube::make_dry_run_client() : kube::from_kubeconfig(admin_kubeconfig(), o);
  }
  return *health_client_;
}

namespace {

// v1.29+: admin.conf belongs to the kubeadm:cluster-admins group, which has no rights until this
// binding exists; super-admin.conf (system:masters) creates it when admin.conf cannot.
void ensure_cluster_admins(kube::Client& admin, const std::string& super_admin_path, Duration timeout) {
  kube::json crb = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                    {"kind", "ClusterRoleBinding"},
                    {"metadata", kube::meta("kubeadm:cluster-admins")},
                    {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "cluster-admin"}}},
                    {"subjects", {{{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Group"}, {"name", "kubeadm:cluster-admins"}}}}};
  bool forbidden = false;
  kube::poll_immediate("unable to create the kubeadm:cluster-admins ClusterRoleBinding", kube::kRetryInterval, timeout,
                       [&]() -> std::optional<std::string> {
                         auto r = admin.create(crb);
                         if (r.status.ok() || r.status.already_exists()) return std::nullopt;
                         if (r.status.forbidden()) {
                           forbidden = true;
                           return std::nullopt;
                         }
                         return r.status.describe();
                       });
  if (!forbidden) return;
  if (!host::exists(super_admin_path)) {
    throw Error("the ClusterRoleBinding for the kubeadm:cluster-admins Group is missing but there is no "
                "super-admin.conf to create it",
                "run 'kadm init phase kubeconfig super-admin' or create the binding with a cluster-admin identity");
  }
  auto super = kube::from_kubeconfig(super_admin_path);
  kube::poll_immediate("unable to create the kubeadm:cluster-admins ClusterRoleBinding with super-admin.conf",
                       kube::kRetryInterval, timeout, [&]() -> std::optional<std::string> {
                         auto r = super->create(crb);
                         if (r.status.ok() || r.status.already_exists()) return std::nullopt;
                         return r.status.describe();
                       });
}

}  // namespace

kube::Client& InitData::client() {
  if (client_) return *client_;
  if (dry_run) {
    // Reads answered for the dry run: the node (so node patches have something to patch).
    std::string node = config.init->node_registration.name;
    client_ = kube::make_dry_run_client([node](const kube::Ref& ref) -> std::optional<kube::json> {
      if (ref.resource == "nodes" && ref.name == node)
        return kube::json{{"apiVersion", "v1"}, {"kind", "Node"},
                          {"metadata", {{"name", node}, {"labels", {{"kubernetes.io/hostname", node}}}}}};
      return std::nullopt;
    });
    return *client_;
  }
  client_ = kube::from_kubeconfig(admin_kubeconfig());
  if (release().admin_is_cluster_admins && admin_kubeconfig_.empty())
    ensure_cluster_admins(*client_, kubeconfig_dir + "/super-admin.conf", api_timeout());
  return *client_;
}

versions::Version InitData::version() const {
  return versions::resolve_version(config.cluster->kubernetes_version);
}

}  // namespace kadm::phases
