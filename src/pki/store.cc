#include "pki/store.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "host/fs.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::pki {
namespace {

[[noreturn]] void fail_file(const std::string& file, const std::string& message,
                            const std::string& hint) {
  throw Error(SourceLocation{file, "", "", 0, 0}, message, hint, kExitFailure);
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

void warn_if_outside_validity(const std::string& file, const Certificate& cert) {
  auto now = std::chrono::system_clock::now();
  if (now < cert.not_before())
    log::warning(fmt::format("{}: the certificate is not valid yet", file));
  else if (now > cert.not_after())
    log::warning(fmt::format("{}: the certificate has expired", file));
}

}  // namespace

std::string cert_path(const std::string& dir, const std::string& base) {
  return dir + "/" + base + ".crt";
}
std::string key_path(const std::string& dir, const std::string& base) {
  return dir + "/" + base + ".key";
}
std::string pub_path(const std::string& dir, const std::string& base) {
  return dir + "/" + base + ".pub";
}
std::string csr_path(const std::string& dir, const std::string& base) {
  return dir + "/" + base + ".csr";
}
std::string pool_name(const CertDef& def) {
  return std::string("certs/") + def.name;
}

std::optional<Certificate> read_cert(const std::string& path) {
  auto text = host::read_file(path);
  if (!text) return std::nullopt;
  return parse_certificate(*text, path);
}

std::optional<Key> read_key(const std::string& path) {
  auto text = host::read_file(path);
  if (!text) return std::nullopt;
  return parse_private_key(*text, path);
}

std::optional<Key> read_public_key(const std::string& path) {
  auto text = host::read_file(path);
  if (!text) return std::nullopt;
  return parse_public_key(*text, path);
}

void write_cert(const std::string& dir, const std::string& base, const Certificate& cert) {
  host::write_file_atomic(cert_path(dir, base), cert.pem(), 0644);
}

void write_cert_and_key(const std::string& dir, const std::string& base, const Certificate& cert,
                        const Key& key) {
  std::string pem = cert.pem();  // encode first: nothing is written if encoding fails
  std::string kfile = key_path(dir, base);
  host::write_file_atomic(kfile, key.private_pem(), 0600);
  try {
    host::write_file_atomic(cert_path(dir, base), pem, 0644);
  } catch (...) {
    unlink(kfile.c_str());
    throw;
  }
}

void write_key_pair(const std::string& dir, const std::string& base, const Key& key) {
  std::string pub = key.public_pem();
  std::string kfile = key_path(dir, base);
  host::write_file_atomic(kfile, key.private_pem(), 0600);
  try {
    host::write_file_atomic(pub_path(dir, base), pub, 0600);
  } catch (...) {
    unlink(kfile.c_str());
    throw;
  }
}

CA load_ca(const CertDef& def, const std::string& dir) {
  std::string crt = cert_path(dir, def.base_name), kfile = key_path(dir, def.base_name);
  auto cert = read_cert(crt);
  if (!cert) {
    fail_file(
        crt, fmt::format("the {} certificate authority does not exist", def.name),
        fmt::format("run 'kadm init phase certs {}' first, or place your CA certificate there",
                    def.name));
  }
  if (!cert->is_ca())
    fail_file(crt, "the certificate is not a CA (its basic constraints lack CA:TRUE)",
              "point certificatesDir at a directory holding a CA certificate, or remove the file "
              "to let kadm generate a CA");
  warn_if_outside_validity(crt, *cert);
  CA ca;
  ca.cert = *cert;
  ca.key = read_key(kfile);
  if (ca.key && !ca.key->same_public_key(cert->public_key()))
    fail_file(kfile, fmt::format("the private key does not belong to the certificate {}", crt),
              "restore the matching key, or remove both files to let kadm generate a new CA");
  return ca;
}

CA ensure_ca(const CertDef& def, const PkiInputs& in, const std::string& dir, KeyPool& pool) {
  std::string crt = cert_path(dir, def.base_name), kfile = key_path(dir, def.base_name);
  if (host::exists(crt)) return load_ca(def, dir);
  if (host::exists(kfile))
    fail_file(kfile, fmt::format("the key exists but the certificate {} does not", crt),
              "restore the certificate, or remove the key to let kadm generate a new CA");
  CA ca;
  ca.key = pool.take(pool_name(def), in.algorithm);
  ca.cert = create_self_signed_ca(cert_spec(def, in), *ca.key);
  write_cert_and_key(dir, def.base_name, ca.cert, *ca.key);
  ca.outcome = Outcome::kGenerated;
  return ca;
}

void check_leaf(const std::string& crt_file, const Certificate& cert, const CertSpec& spec,
                const CA& ca, const std::string& ca_file) {
  if (!cert.signed_by(ca.cert))
    fail_file(
        crt_file,
        fmt::format("the certificate is not signed by the CA in {} (issuer: \"{}\")", ca_file,
                    cert.issuer_common_name()),
        "remove the certificate and its key to let kadm sign a new one, or sign it with this CA");
  std::vector<std::string> missing;
  for (const auto& d : spec.dns_names)
    if (!cert.valid_for(d)) missing.push_back(d);
  for (const auto& ip : spec.ips)
    if (!cert.valid_for(ip.str())) missing.push_back(ip.str());
  if (!missing.empty())
    fail_file(crt_file,
              fmt::format("the certificate lacks the subject alternative names [{}] (it has DNS "
                          "names [{}] and IPs [{}])",
                          join(missing), join(cert.dns_names()), join(cert.ip_addresses())),
              "remove the certificate and its key to let kadm sign a new one with these names");
  warn_if_outside_validity(crt_file, cert);
}

Leaf ensure_leaf(const CertDef& def, const PkiInputs& in, const std::string& dir, const CA& ca,
                 KeyPool& pool) {
  std::string crt = cert_path(dir, def.base_name), kfile = key_path(dir, def.base_name);
  std::string ca_file = cert_path(dir, ca_of(def).base_name);
  bool have_crt = host::exists(crt), have_key = host::exists(kfile);
  if (have_crt || have_key) {
    if (!have_crt)
      fail_file(kfile, fmt::format("the key exists but the certificate {} does not", crt),
                "restore the certificate, or remove the key to let kadm generate both");
    if (!have_key)
      fail_file(crt, fmt::format("the certificate exists but its key {} does not", kfile),
                "restore the key, or remove the certificate to let kadm generate both");
    Certificate cert = *read_cert(crt);
    Key key = *read_key(kfile);
    if (!key.same_public_key(cert.public_key()))
      fail_file(kfile, fmt::format("the private key does not belong to the certificate {}", crt),
                "restore the matching key, or remove both files to let kadm generate new ones");
    check_leaf(crt, cert, cert_spec(def, in, &ca.cert), ca, ca_file);
    return Leaf{cert, Outcome::kReused};
  }
  if (!ca.key) {
    fail_file(crt,
              fmt::format("the certificate does not exist and the {} CA has no key {} to sign it "
                          "(external CA mode)",
                          ca_of(def).name, key_path(dir, ca_of(def).base_name)),
              "sign this certificate with your external CA and place it and its key there, or "
              "provide the CA key");
  }
  Key key = pool.take(pool_name(def), in.algorithm);
  Certificate cert = create_signed(cert_spec(def, in, &ca.cert), key, ca.cert, *ca.key);
  write_cert_and_key(dir, def.base_name, cert, key);
  return Leaf{cert, Outcome::kGenerated};
}

Outcome ensure_service_account_key(const PkiInputs& in, const std::string& dir, KeyPool& pool) {
  std::string kfile = key_path(dir, kServiceAccountBaseName),
              pfile = pub_path(dir, kServiceAccountBaseName);
  auto key = read_key(kfile);
  if (key) {
    auto pub = read_public_key(pfile);
    if (!pub) {
      // The public half is derived from the key; restoring it loses nothing.
      host::write_file_atomic(pfile, key->public_pem(), 0600);
    } else if (!pub->same_public_key(*key)) {
      fail_file(pfile, fmt::format("the public key does not belong to the private key {}", kfile),
                "remove sa.pub to let kadm derive it from sa.key, or restore the matching pair");
    }
    return Outcome::kReused;
  }
  if (host::exists(pfile))
    fail_file(pfile, fmt::format("the public key exists but the private key {} does not", kfile),
              "restore sa.key, or remove sa.pub to let kadm generate a new pair");
  write_key_pair(dir, kServiceAccountBaseName, pool.take("certs/sa", in.algorithm));
  return Outcome::kGenerated;
}

}  // namespace kadm::pki
