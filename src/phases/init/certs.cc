// `kadm init phase certs`: the certificate tree and the service-account key pair, with
// upstream's sub-phases, flags and progress lines. Keys are generated in parallel up front
// (pki::KeyPool); certificates are then signed and written in upstream's order.
#include <fmt/format.h>

#include <map>

#include "host/fs.h"
#include "kubeconfig/files.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "pki/certlist.h"
#include "pki/keypool.h"
#include "pki/store.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases {
namespace {

pki::PkiInputs inputs(const InitData& d) {
  return pki::pki_inputs(d.init(), d.cluster(), d.release());
}

// CAs loaded or made in this process, by certificate file, so leaves need not re-read them.
std::map<std::string, pki::CA>& ca_cache() {
  static std::map<std::string, pki::CA> cache;
  return cache;
}

const pki::CA& ca_for(const pki::CertDef& ca_def, const std::string& dir) {
  std::string path = pki::cert_path(dir, ca_def.base_name);
  auto it = ca_cache().find(path);
  if (it == ca_cache().end()) it = ca_cache().emplace(path, pki::load_ca(ca_def, dir)).first;
  return it->second;
}

bool absent(const std::string& dir, const std::string& base) {
  return !host::exists(pki::cert_path(dir, base)) && !host::exists(pki::key_path(dir, base));
}

// Queues every key this run will need, in the order the certificates are made; with the
// kubeconfig files, kubelet.conf's key right after the CA's: a full init starts the kubelet as
// soon as those two exist (kubelet_first in command.cc).
void prefetch_keys(const InitData& d, bool with_kubeconfig) {
  auto in = inputs(d);
  auto& pool = pki::key_pool();
  auto prefetch_kubeconfig = [&](const std::string& file) {
    if (!host::exists(d.kubeconfig_dir + "/" + file))
      pool.prefetch(kubeconfig::pool_name(file), in.algorithm);
  };
  for (const auto& def : pki::cert_list()) {
    if (def.etcd && in.external_etcd) continue;
    if (!absent(d.cert_dir, def.base_name)) continue;
    bool is_ca = def.ca_name[0] == '\0';
    // A leaf of an existing keyless CA cannot be signed; don't make a key for it.
    if (!is_ca) {
      const auto& ca = pki::ca_of(def);
      if (!absent(d.cert_dir, ca.base_name) &&
          !host::exists(pki::key_path(d.cert_dir, ca.base_name)))
        continue;
    }
    pool.prefetch(pki::pool_name(def), in.algorithm);
    if (with_kubeconfig && std::string(def.name) == "ca") prefetch_kubeconfig(kubeconfig::kKubelet);
  }
  if (!host::exists(pki::key_path(d.cert_dir, pki::kServiceAccountBaseName)) &&
      !host::exists(pki::pub_path(d.cert_dir, pki::kServiceAccountBaseName)))
    pool.prefetch("certs/sa", in.algorithm);
  if (with_kubeconfig)
    for (const auto& f : kubeconfig::init_file_names(d.release())) prefetch_kubeconfig(f);
}

void run_ca(const pki::CertDef& def, InitData& d) {
  if (def.etcd && d.cluster().etcd.external) {
    log::progress("[certs] External etcd mode: Skipping {} certificate authority generation",
                  def.base_name);
    return;
  }
  auto in = inputs(d);
  if (absent(d.cert_dir, def.base_name))
    log::progress("[certs] Generating \"{}\" certificate and key", def.base_name);
  pki::CA ca = pki::ensure_ca(def, in, d.cert_dir, pki::key_pool());
  if (ca.outcome == pki::Outcome::kReused) {
    if (ca.key)
      log::progress("[certs] Using existing {} certificate authority", def.base_name);
    else
      log::progress("[certs] Using existing {} keyless certificate authority", def.base_name);
  }
  ca_cache()[pki::cert_path(d.cert_dir, def.base_name)] = ca;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

void run_leaf(const pki::CertDef& def, InitData& d) {
  if (def.etcd && d.cluster().etcd.external) {
    log::progress("[certs] External etcd mode: Skipping {} certificate generation", def.base_name);
    return;
  }
  auto in = inputs(d);
  const pki::CA& ca = ca_for(pki::ca_of(def), d.cert_dir);
  bool generate = absent(d.cert_dir, def.base_name) && ca.key;
  if (generate) log::progress("[certs] Generating \"{}\" certificate and key", def.base_name);
  pki::Leaf leaf = pki::ensure_leaf(def, in, d.cert_dir, ca, pki::key_pool());
  if (leaf.outcome == pki::Outcome::kReused) {
    log::progress("[certs] Using existing {} certificate and key on disk", def.base_name);
    return;
  }
  auto usages = leaf.cert.ext_usages();
  if (std::find(usages.begin(), usages.end(), pki::ExtUsage::kServerAuth) != usages.end()) {
    log::progress("[certs] {} serving cert is signed for DNS names [{}] and IPs [{}]",
                  def.base_name, join(leaf.cert.dns_names()), join(leaf.cert.ip_addresses()));
  }
}

void run_sa(InitData& d) {
  auto in = inputs(d);
  bool generate = !host::exists(pki::key_path(d.cert_dir, pki::kServiceAccountBaseName)) &&
                  !host::exists(pki::pub_path(d.cert_dir, pki::kServiceAccountBaseName));
  if (generate) log::progress("[certs] Generating \"sa\" key and public key");
  if (pki::ensure_service_account_key(in, d.cert_dir, pki::key_pool()) == pki::Outcome::kReused)
    log::progress("[certs] Using the existing \"sa\" key");
}

workflow::Phase cert_phase(const pki::CertDef& def) {
  workflow::Phase p;
  p.name = def.name;
  p.short_help = fmt::format("Generate the {}", def.long_name);
  std::string files = def.base_name;
  p.long_help = fmt::format(
      "Generate the {}, and save them into {}.crt and {}.key files.\n\n"
      "If both files already exist, kadm skips the generation step and existing files will be "
      "used.",
      def.long_name, files, files);
  p.inherit_flags = {"cert-dir", "config", "dry-run", "kubernetes-version"};
  std::string name = def.name;
  if (name == "apiserver") {
    p.inherit_flags.insert(p.inherit_flags.end(),
                           {"apiserver-advertise-address", "apiserver-cert-extra-sans",
                            "control-plane-endpoint", "service-cidr", "service-dns-domain"});
  }
  bool is_ca = def.ca_name[0] == '\0';
  const pki::CertDef* d = &def;
  p.run = [d, is_ca](workflow::Context& ctx) {
    auto& data = ctx.data<InitData>();
    if (is_ca)
      run_ca(*d, data);
    else
      run_leaf(*d, data);
  };
  return p;
}

}  // namespace

workflow::Phase certs_phase() {
  workflow::Phase p;
  p.name = "certs";
  p.short_help = "Certificate generation";
  p.with_all = true;
  p.run = [](workflow::Context& ctx) {
    auto& d = ctx.data<InitData>();
    log::progress("[certs] Using certificateDir folder \"{}\"", d.cert_dir);
    // A whole `kadm init` also makes the kubeconfig client keys: start them now, alongside.
    prefetch_keys(d, ctx.invocation().command().name == "init");
  };
  for (const auto& def : pki::cert_list()) p.children.push_back(cert_phase(def));
  workflow::Phase sa;
  sa.name = "sa";
  sa.short_help =
      "Generate a private key for signing service account tokens along with its public key";
  sa.long_help =
      "Generate the private key for signing service account tokens along with its public key, and "
      "save them "
      "into sa.key and sa.pub files.\n\nIf both files already exist, kadm skips the generation "
      "step and existing "
      "files will be used.";
  sa.inherit_flags = {"cert-dir", "dry-run"};
  sa.run = [](workflow::Context& ctx) { run_sa(ctx.data<InitData>()); };
  p.children.push_back(sa);
  return p;
}

}  // namespace kadm::phases
