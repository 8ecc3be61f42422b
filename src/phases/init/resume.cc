#include "phases/init/resume.h"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "host/fs.h"
#include "phases/init/data.h"
#include "preflight/checks.h"
#include "preflight/node_checks.h"
#include "util/digest.h"

namespace kadm::phases {
namespace {

// Preflight looks at the real host, also under --dry-run.
const std::string kManifests = preflight::Paths{}.manifests_dir;
constexpr const char* kComponents[] = {"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"};

std::string now_rfc3339() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::string> ca_sha256(const std::string& cert_dir) {
  auto pem = host::read_file(cert_dir + "/ca.crt");
  if (!pem) return std::nullopt;
  return hex(sha256(*pem));
}

std::optional<InitMark> parse_mark(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("tool", "") != "kadm") return std::nullopt;
  InitMark m;
  m.cert_dir = j.value("certificatesDir", "");
  m.node_name = j.value("nodeName", "");
  m.kubernetes_version = j.value("kubernetesVersion", "");
  m.started = j.value("started", "");
  m.ca_sha256 = j.value("caSHA256", "");
  return m;
}

std::optional<InitMark> read_mark(const std::string& mark_path) {
  auto text = host::read_file(mark_path);
  return text ? parse_mark(*text) : std::nullopt;
}

}  // namespace

void write_init_mark(const std::string& mark_path, const std::string& cert_dir, const std::string& node_name,
                     const std::string& kubernetes_version) {
  auto hash = ca_sha256(cert_dir);
  if (!hash) return;  // external CA without a certificate yet: nothing to vouch for
  std::string started = now_rfc3339();
  auto old_text = host::read_file(mark_path);
  auto old = old_text ? parse_mark(*old_text) : std::nullopt;
  if (old && old->ca_sha256 == *hash && !old->started.empty()) started = old->started;
  nlohmann::json j = {{"tool", "kadm"},
                      {"certificatesDir", cert_dir},
                      {"nodeName", node_name},
                      {"kubernetesVersion", kubernetes_version},
                      {"started", started},
                      {"caSHA256", *hash}};
  std::string text = j.dump(2) + "\n";
  if (old_text == text) return;  // init marks before each manifest: once is enough per run
  host::make_dirs(mark_path.substr(0, mark_path.rfind('/')), 0755);
  host::write_file_atomic(mark_path, text, 0644);
}

void mark_init_state(const InitData& d) {
  if (d.dry_run) return;
  write_init_mark(kInitMarkPath, d.cert_dir, d.init().node_registration.name, d.version().str());
}

std::optional<InitMark> read_valid_init_mark(const std::string& mark_path, const std::string& cert_dir) {
  auto m = read_mark(mark_path);
  if (!m || m->cert_dir != cert_dir) return std::nullopt;
  auto hash = ca_sha256(cert_dir);
  if (!hash || *hash != m->ca_sha256) return std::nullopt;
  return m;
}

std::vector<std::string> own_state_checks(const InitData& d) {
  std::vector<std::string> names;
  for (int port : {d.init().local_api_endpoint.bind_port, preflight::kSchedulerPort, preflight::kControllerManagerPort,
                   preflight::kKubeletPort, preflight::kEtcdClientPort, preflight::kEtcdPeerPort})
    names.push_back(fmt::format("Port-{}", port));
  for (const char* c : kComponents)
    names.push_back(preflight::path_label("FileAvailable", fmt::format("{}/{}.yaml", kManifests, c)));
  if (d.cluster().etcd.local)
    names.push_back(preflight::path_label("DirAvailable", d.cluster().etcd.local->data_dir));
  return names;
}

std::vector<std::string> foreign_state(const InitData& d) {
  std::vector<std::string> found;
  for (const char* c : kComponents) {
    std::string p = fmt::format("{}/{}.yaml", kManifests, c);
    if (host::exists(p)) found.push_back(p);
  }
  std::string ca = d.cluster().certificates_dir + "/ca.crt";
  if (host::exists(ca)) found.push_back(ca);
  return found;
}

}  // namespace kadm::phases
