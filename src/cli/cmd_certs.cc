// kadm certs: certificate-key, check-expiration, renew and generate-csr, with upstream's flags
// and output formats (cmd/kubeadm/app/cmd/certs.go).
#include <fmt/format.h>
#include <sys/random.h>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api/defaults.h"
#include "cli/config_flags.h"
#include "cli/root.h"
#include "host/fs.h"
#include "kubeconfig/files.h"
#include "pki/certlist.h"
#include "pki/renew.h"
#include "pki/store.h"
#include "util/error.h"
#include "util/yaml_emit.h"

namespace kadm::cli {
namespace {

struct CertsOptions {
  std::string cert_dir = api::kDefaultCertificatesDir;
  std::string config;
  std::string kubeconfig = "/etc/kubernetes/admin.conf";
  std::string kubeconfig_dir = "/etc/kubernetes";
  std::string output = "text";
  std::string csr_dir;
  bool csr_only = false;
};
CertsOptions& opts() {
  static CertsOptions o;
  return o;
}

struct Loaded {
  api::ConfigSet set;
  const versions::Release* release = nullptr;
  std::string cert_dir;
  const api::InitConfiguration& init() const { return *set.init; }
  const api::ClusterConfiguration& cluster() const { return *set.cluster; }
  pki::PkiInputs inputs() const { return pki::pki_inputs(init(), cluster(), *release); }
};

// --config (or the defaults), with --cert-dir applied when given. `host` adds the dynamic
// defaults (node name, advertise address) that CSRs and kubeconfig URLs need.
Loaded load(const Invocation& inv, bool host) {
  const auto& o = opts();
  Loaded l;
  if (!o.config.empty()) l.set = load_config_or_throw(o.config);
  if (!l.set.init) l.set.init = api::InitConfiguration{};
  if (!l.set.cluster) l.set.cluster = api::ClusterConfiguration{};
  if (inv.changed("cert-dir")) l.set.cluster->certificates_dir = o.cert_dir;
  api::set_defaults(l.set);
  if (host) api::set_dynamic_defaults(l.set, api::real_host_facts());
  l.release = &api::release_of(*l.set.cluster);
  l.cert_dir = l.set.cluster->certificates_dir;
  return l;
}

// The kubeconfig files kubeadm manages certificates in (kubelet.conf rotates by itself).
std::vector<std::string> managed_kubeconfigs(const versions::Release& r) {
  std::vector<std::string> out;
  for (const auto& f : kubeconfig::init_file_names(r))
    if (f != kubeconfig::kKubelet) out.push_back(f);
  return out;
}

std::vector<const pki::CertDef*> managed_leaves(const Loaded& l) {
  std::vector<const pki::CertDef*> out;
  for (const auto& d : pki::cert_list())
    if (d.ca_name[0] != '\0' && !(d.etcd && l.cluster().etcd.external)) out.push_back(&d);
  return out;
}

std::string long_name_of_kubeconfig(const std::string& f) {
  if (f == kubeconfig::kAdmin)
    return "certificate embedded in the kubeconfig file for the admin to use and for kubeadm "
           "itself";
  if (f == kubeconfig::kSuperAdmin)
    return "certificate embedded in the kubeconfig file for the super-admin";
  if (f == kubeconfig::kControllerManager)
    return "certificate embedded in the kubeconfig file for the controller manager to use";
  return "certificate embedded in the kubeconfig file for the scheduler manager to use";
}

// ---- check-expiration ----

struct Row {
  std::string name;
  std::string ca;
  bool missing = false;
  bool external = false;
  pki::TimePoint expires;
};

std::string go_time(pki::TimePoint t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%b %d, %Y %H:%M UTC", &tm);
  return buf;
}

std::string rfc3339(pki::TimePoint t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::chrono::seconds residual(pki::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t - std::chrono::system_clock::now());
}

// Go's text/tabwriter with minwidth 10, padding 3: every tab-terminated cell padded to its column.
std::string tabulate(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i + 1 < r.size(); ++i) {
      if (width.size() <= i) width.resize(i + 1, 0);
      width[i] = std::max({width[i], r[i].size() + 3, size_t{10}});
    }
  std::string out;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      out += r[i];
      if (i + 1 < r.size()) out += std::string(width[i] - r[i].size(), ' ');
    }
    out += "\n";
  }
  return out;
}

int check_expiration(Invocation& inv) {
  const auto& o = opts();
  if (o.output != "text" && o.output != "json" && o.output != "yaml")
    throw Error(fmt::format("invalid output format \"{}\"", o.output), "use -o text, json or yaml",
                kExitUsage);
  Loaded l = load(inv, false);
  std::string kc_dir = inv.changed("kubeconfig-dir")
                           ? o.kubeconfig_dir
                           : o.kubeconfig.substr(0, o.kubeconfig.rfind('/'));
  std::vector<Row> certs, cas;
  std::map<std::string, bool> ca_external;
  for (const auto& d : pki::cert_list()) {
    if (d.ca_name[0] != '\0' || (d.etcd && l.cluster().etcd.external)) continue;
    Row r{d.name, "", false, false, {}};
    auto c = pki::read_cert(pki::cert_path(l.cert_dir, d.base_name));
    r.missing = !c;
    if (c) r.expires = c->not_after();
    r.external = c && !host::exists(pki::key_path(l.cert_dir, d.base_name));
    ca_external[d.name] = r.external;
    cas.push_back(r);
  }
  for (const auto* d : managed_leaves(l)) {
    Row r{d->name, d->ca_name, false, ca_external[d->ca_name], {}};
    auto c = pki::read_cert(pki::cert_path(l.cert_dir, d->base_name));
    r.missing = !c;
    if (c) r.expires = c->not_after();
    certs.push_back(r);
  }
  for (const auto& f : managed_kubeconfigs(*l.release)) {
    // v1.20 left the CA column empty for kubeconfig files; later releases name "ca".
    Row r{f, l.release->minor >= 21 ? "ca" : "", false, ca_external["ca"], {}};
    std::string path = kc_dir + "/" + f;
    if (!host::exists(path)) {
      r.missing = true;
    } else {
      auto cur = kubeconfig::current(kubeconfig::load(path), path);
      if (cur.cert_pem.empty())
        r.missing = true;
      else
        r.expires = pki::parse_certificate(cur.cert_pem, path).not_after();
    }
    certs.push_back(r);
  }
  std::sort(certs.begin(), certs.end(), [](const Row& a, const Row& b) { return a.name < b.name; });
  std::sort(cas.begin(), cas.end(), [](const Row& a, const Row& b) { return a.name < b.name; });

  if (o.output != "text") {
    using nlohmann::json;
    auto item = [](const Row& r, bool with_ca) {
      json j = json::object();
      j["name"] = r.name;
      if (!r.missing) {
        j["expirationDate"] = rfc3339(r.expires);
        j["residualTime"] = residual(r.expires).count();
      }
      if (with_ca && !r.ca.empty()) j["caName"] = r.ca;
      j["externallyManaged"] = r.external;
      j["missing"] = r.missing;
      return j;
    };
    json doc = json::object();
    doc["apiVersion"] = "output.kubeadm.k8s.io/v1alpha3";
    doc["kind"] = "CertificateExpirationInfo";
    doc["certificates"] = json::array();
    for (const auto& r : certs) doc["certificates"].push_back(item(r, true));
    doc["certificateAuthorities"] = json::array();
    for (const auto& r : cas) doc["certificateAuthorities"].push_back(item(r, false));
    std::cout << (o.output == "json" ? doc.dump(4) + "\n" : yaml::emit(doc));
    return 0;
  }
  auto yes_no = [](bool b) { return fmt::format("{:<8}", b ? "yes" : "no"); };
  std::vector<std::vector<std::string>> t1 = {
      {"CERTIFICATE", "EXPIRES", "RESIDUAL TIME", "CERTIFICATE AUTHORITY", "EXTERNALLY MANAGED"}};
  std::string missing;
  for (const auto& r : certs) {
    if (r.missing) {
      missing += fmt::format("!MISSING! {}\n", r.name);
      continue;
    }
    t1.push_back({r.name, go_time(r.expires), pki::short_human_duration(residual(r.expires)), r.ca,
                  yes_no(r.external)});
  }
  std::vector<std::vector<std::string>> t2 = {
      {"CERTIFICATE AUTHORITY", "EXPIRES", "RESIDUAL TIME", "EXTERNALLY MANAGED"}};
  for (const auto& r : cas) {
    if (r.missing) {
      missing += fmt::format("!MISSING! {}\n", r.name);
      continue;
    }
    t2.push_back({r.name, go_time(r.expires), pki::short_human_duration(residual(r.expires)),
                  yes_no(r.external)});
  }
  std::cout << tabulate(t1) << "\n" << tabulate(t2) << missing;
  return 0;
}

// ---- renew ----

void renew_kubeconfig(const Loaded& l, const std::string& path) {
  auto cfg = kubeconfig::load(path);
  auto cur = kubeconfig::current(cfg, path);
  if (cur.cert_pem.empty())
    throw Error(SourceLocation{path, "", "", 0, 0},
                "the kubeconfig has no embedded client certificate to renew",
                "renew only kubeconfig files kadm or kubeadm wrote", kExitFailure);
  auto old = pki::parse_certificate(cur.cert_pem, path);
  pki::CA ca = pki::load_ca(*pki::find_cert("ca"), l.cert_dir);
  if (!ca.key)
    throw Error(
        SourceLocation{pki::key_path(l.cert_dir, "ca"), "", "", 0, 0},
        "the CA key is missing (external CA mode): kadm cannot renew certificates signed by it", "",
        kExitFailure);
  if (!old.signed_by(ca.cert))
    throw Error(SourceLocation{path, "", "", 0, 0},
                "the embedded client certificate is not signed by the cluster CA",
                "renewal keeps the CA: fix or remove the file first", kExitFailure);
  auto in = l.inputs();
  auto old_key = cur.key_pem.empty()
                     ? std::nullopt
                     : std::optional<pki::Key>(pki::parse_private_key(cur.key_pem, path));
  // Without --config the defaults do not describe the cluster: keep the key's algorithm.
  bool keep = opts().config.empty() && old_key && old_key->algorithm();
  pki::Key key = pki::generate_key(keep ? *old_key->algorithm() : in.algorithm);
  auto cert = pki::create_signed(pki::renewal_spec(old, in, ca.cert), key, ca.cert, *ca.key);
  for (auto& u : cfg.users) {
    if (u.name != cur.user.name) continue;
    u.client_cert_data = cert.pem();
    u.client_key_data = key.private_pem();
    u.client_cert_file.clear();
    u.client_key_file.clear();
  }
  host::write_file_atomic(path, kubeconfig::serialize(cfg), 0600);
}

int renew(Invocation& inv, const std::string& name) {
  const auto& o = opts();
  if (o.csr_only)
    throw Error("--csr-only is not supported by this kadm build",
                "use 'kadm certs generate-csr' to make keys and CSRs", kExitUsage);
  Loaded l = load(inv, false);
  if (o.config.empty())
    std::cout << "[renew] Reading configuration from the cluster is not available in this build; "
                 "using the defaults and --cert-dir\n";
  std::string kc_dir = inv.changed("kubeconfig-dir")
                           ? o.kubeconfig_dir
                           : o.kubeconfig.substr(0, o.kubeconfig.rfind('/'));
  bool all = name == "all";
  for (const auto* d : managed_leaves(l)) {
    if (!all && name != d->name) continue;
    pki::renew_cert(*d, l.inputs(), l.cert_dir, o.config.empty());
    std::cout << d->long_name << " renewed\n";
  }
  for (const auto& f : managed_kubeconfigs(*l.release)) {
    if (!all && name != f) continue;
    renew_kubeconfig(l, kc_dir + "/" + f);
    std::cout << long_name_of_kubeconfig(f) << " renewed\n";
  }
  if (all)
    std::cout << "\nDone renewing certificates. You must restart the kube-apiserver, "
                 "kube-controller-manager, "
                 "kube-scheduler and etcd, so that they can use the new certificates.\n";
  return 0;
}

// ---- generate-csr ----

void refuse_existing(const std::string& path) {
  if (host::exists(path))
    throw Error(SourceLocation{path, "", "", 0, 0}, "file already exists",
                "remove it, or choose another --cert-dir / --kubeconfig-dir", kExitFailure);
}

int generate_csr(Invocation& inv) {
  const auto& o = opts();
  Loaded l = load(inv, true);
  auto in = l.inputs();
  std::cout << "generating keys and CSRs in " << l.cert_dir << "\n";
  for (const auto* d : managed_leaves(l)) {
    refuse_existing(pki::key_path(l.cert_dir, d->base_name));
    refuse_existing(pki::csr_path(l.cert_dir, d->base_name));
    pki::Key key = pki::generate_key(in.algorithm);
    std::string csr = pki::create_csr_pem(pki::cert_spec(*d, in), key);
    host::write_file_atomic(pki::key_path(l.cert_dir, d->base_name), key.private_pem(), 0600);
    host::write_file_atomic(pki::csr_path(l.cert_dir, d->base_name), csr, 0600);
  }
  std::cout << "generating keys and CSRs in " << o.kubeconfig_dir << "\n";
  auto ca = pki::read_cert(pki::cert_path(l.cert_dir, "ca"));
  for (const auto& f : kubeconfig::init_file_names(*l.release)) {
    std::string path = o.kubeconfig_dir + "/" + f;
    refuse_existing(path);
    refuse_existing(path + ".csr");
    auto spec = kubeconfig::file_spec(f, l.init(), l.cluster(), *l.release);
    pki::Key key = pki::generate_key(in.algorithm);
    pki::CertSpec cs;
    cs.common_name = spec.client_name;
    cs.organizations = spec.organizations;
    // A partial kubeconfig: the key is in place, the signed certificate is to be added.
    auto cfg = kubeconfig::with_client_cert(spec.server, l.cluster().cluster_name, spec.client_name,
                                            ca ? ca->pem() : "", key.private_pem(), "");
    host::write_file_atomic(path, kubeconfig::serialize(cfg), 0600);
    host::write_file_atomic(path + ".csr", pki::create_csr_pem(cs, key), 0600);
  }
  return 0;
}

}  // namespace

void add_certs_commands(Command& root) {
  auto& certs = root.add("certs", "Commands related to handling kubernetes certificates");
  auto& key = certs.add("certificate-key", "Generate certificate keys");
  key.long_help =
      R"TXT(This command will print out a secure randomly-generated certificate key that can be used with
the "init" command.

You can also use "kadm init --upload-certs" without specifying a certificate key and it will
generate and print one for you.)TXT";
  key.run = [](Invocation&) {
    unsigned char buf[32];
    if (getrandom(buf, sizeof buf, 0) != static_cast<ssize_t>(sizeof buf))
      throw Error("cannot read random bytes from the kernel (getrandom)");
    std::string hex;
    for (unsigned char b : buf) hex += fmt::format("{:02x}", b);
    std::cout << hex << "\n";
    return 0;
  };
  CertsOptions& o = opts();
  const char* kubeconfig_help =
      "The kubeconfig file to use when talking to the cluster. If the flag is not set, a set of "
      "standard locations "
      "can be searched for an existing kubeconfig file.";
  const char* kcdir_help =
      "[kadm] The directory of the kubeconfig files; defaults to the directory of --kubeconfig.";

  auto& check =
      certs.add("check-expiration", "Check certificates expiration for a Kubernetes cluster");
  check.long_help = "Checks expiration for the certificates in the local PKI managed by kadm.";
  check.flag("cert-dir", "The path where to save the certificates", &o.cert_dir,
             "/etc/kubernetes/pki");
  check.flag("config", "Path to a kubeadm configuration file.", &o.config);
  check.flag("kubeconfig", kubeconfig_help, &o.kubeconfig, "/etc/kubernetes/admin.conf");
  check.flag("kubeconfig-dir", kcdir_help, &o.kubeconfig_dir, "/etc/kubernetes");
  check.flag(Flag{"output", 'o', "Output format. One of: text|json|yaml.", &o.output, "text"});
  check.run = [](Invocation& inv) { return check_expiration(inv); };

  auto& renew_cmd = certs.add("renew", "Renew certificates for a Kubernetes cluster");
  renew_cmd.long_help = renew_cmd.short_help;
  std::vector<std::pair<std::string, std::string>> targets;
  for (const auto& d : pki::cert_list())
    if (d.ca_name[0] != '\0') targets.emplace_back(d.name, std::string("Renew the ") + d.long_name);
  for (const auto& f : kubeconfig::init_file_names(versions::newest_release()))
    if (f != kubeconfig::kKubelet)
      targets.emplace_back(f, "Renew the " + long_name_of_kubeconfig(f));
  targets.emplace_back("all", "Renew all available certificates");
  for (const auto& [name, help] : targets) {
    auto& c = renew_cmd.add(name, help);
    c.long_help =
        help +
        ".\n\nRenewals run unconditionally, regardless of certificate expiration date; extra "
        "attributes such "
        "as SANs will be based on the existing file/certificates, there is no need to resupply "
        "them.\n\n"
        "Renewal uses the certificate authority in the local PKI managed by kadm and makes a new "
        "private key.\n\n"
        "After renewal, in order to make changes effective, is required to restart control-plane "
        "components "
        "and eventually re-distribute the renewed certificate in case the file is used elsewhere.";
    c.flag("cert-dir", "The path where to save the certificates", &o.cert_dir,
           "/etc/kubernetes/pki");
    c.flag("config", "Path to a kubeadm configuration file.", &o.config);
    c.flag("csr-dir", "The path to output the CSRs and private keys to", &o.csr_dir);
    c.flag("csr-only", "Create CSRs instead of generating certificates", &o.csr_only);
    c.flag("kubeconfig", kubeconfig_help, &o.kubeconfig, "/etc/kubernetes/admin.conf");
    c.flag("kubeconfig-dir", kcdir_help, &o.kubeconfig_dir, "/etc/kubernetes");
    std::string n = name;
    c.run = [n](Invocation& inv) { return renew(inv, n); };
  }

  auto& gen = certs.add("generate-csr", "Generate keys and certificate signing requests");
  gen.long_help =
      "Generates keys and certificate signing requests (CSRs) for all the certificates required to "
      "run the control "
      "plane. This command also generates partial kubeconfig files with private key data in the  "
      "\"users > user > "
      "client-key-data\" field, and for each kubeconfig file an accompanying \".csr\" file is "
      "created.\n\n"
      "This command is designed for use in external CA mode. It generates CSRs which you can then "
      "submit to your "
      "external certificate authority for signing.\n\n"
      "The PEM encoded signed certificates should then be saved alongside the key files, using "
      "\".crt\" as the file "
      "extension, or in the case of kubeconfig files, the PEM encoded signed certificate should be "
      "base64 encoded and "
      "added to the kubeconfig file in the \"users > user > client-certificate-data\" field.";
  gen.example =
      "  # The following command will generate keys and CSRs for all control-plane certificates "
      "and kubeconfig files:\n"
      "  kadm certs generate-csr --kubeconfig-dir /tmp/etc-k8s --cert-dir /tmp/etc-k8s/pki";
  gen.flag("cert-dir", "The path where to save the certificates", &o.cert_dir);
  gen.flag("config", "Path to a kubeadm configuration file.", &o.config);
  gen.flag("kubeconfig-dir", "The path where to save the kubeconfig file.", &o.kubeconfig_dir,
           "/etc/kubernetes");
  gen.run = [](Invocation& inv) { return generate_csr(inv); };
}

}  // namespace kadm::cli
