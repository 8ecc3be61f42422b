#include "preflight/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "util/error.h"
#include "util/log.h"

namespace kadm::preflight {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Every check name some kubeadm release since v1.13 used with its default paths and ports
// (checks.go of each release, plus the upgrade health checks), so that names carried over from
// scripts for other versions are not reported as unknown.
const std::vector<std::string>& catalog() {
  static const std::vector<std::string> names = {
      "IsPrivilegedUser", "NumCPU", "Mem", "KubernetesVersion", "Firewalld", "CRI", "Swap",
      "SystemVerification", "Hostname", "KubeletVersion", "Service-Kubelet", "Service-Docker",
      "IsDockerSystemdCheck", "HTTPProxy", "HTTPProxyCIDR", "ExternalEtcdVersion",
      "ExternalEtcdClientCertificates", "ImagePull", "RequiredIPVSKernelModulesAvailable",
      "Port-6443", "Port-10250", "Port-10251", "Port-10252", "Port-10257", "Port-10259",
      "Port-2379", "Port-2380",
      "FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml",
      "FileAvailable--etc-kubernetes-manifests-kube-controller-manager.yaml",
      "FileAvailable--etc-kubernetes-manifests-kube-scheduler.yaml",
      "FileAvailable--etc-kubernetes-manifests-etcd.yaml",
      "FileAvailable--etc-kubernetes-kubelet.conf",
      "FileAvailable--etc-kubernetes-bootstrap-kubelet.conf",
      "FileAvailable--etc-kubernetes-pki-ca.crt",
      "DirAvailable--etc-kubernetes-manifests", "DirAvailable--var-lib-etcd",
      "DirAvailable--var-lib-kubelet",
      "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables",
      "FileContent--proc-sys-net-bridge-bridge-nf-call-ip6tables",
      "FileContent--proc-sys-net-ipv4-ip_forward",
      "FileContent--proc-sys-net-ipv6-conf-default-forwarding",
      "FileExisting-crictl", "FileExisting-conntrack", "FileExisting-ip", "FileExisting-iptables",
      "FileExisting-mount", "FileExisting-nsenter", "FileExisting-ebtables", "FileExisting-ethtool",
      "FileExisting-socat", "FileExisting-tc", "FileExisting-touch",
      "ControlPlaneNodesReady", "CreateJob", "StaticPodManifest", "CoreDNSUnsupportedPlugins",
      "CoreDNSMigration",
  };
  return names;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

bool is_port_name(const std::string& n) {
  if (n.size() <= 5 || n.compare(0, 5, "port-") != 0) return false;
  return std::all_of(n.begin() + 5, n.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

IgnoreSet IgnoreSet::parse(const std::vector<std::string>& flag_values,
                           const std::vector<std::string>& config_values) {
  IgnoreSet s;
  for (const auto* list : {&flag_values, &config_values}) {
    for (const auto& v : *list) {
      // The flag is a string slice: "a,b" arrives split; entries may still carry spaces.
      size_t start = 0;
      while (start <= v.size()) {
        size_t end = v.find(',', start);
        if (end == std::string::npos) end = v.size();
        std::string name = v.substr(start, end - start);
        name.erase(0, name.find_first_not_of(" \t"));
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
        if (!name.empty()) s.names_.insert(lower(name));
        start = end + 1;
      }
    }
  }
  if (s.names_.count("all") && s.names_.size() > 1) {
    throw Error("don't specify individual checks if 'all' is used",
                "use either --ignore-preflight-errors=all or a list of check names", kExitUsage);
  }
  return s;
}

bool IgnoreSet::ignores(const std::string& check_name) const {
  return names_.count("all") > 0 || names_.count(lower(check_name)) > 0;
}

std::vector<std::string> unknown_name_warnings(const IgnoreSet& ignore, const std::vector<Check>& checks) {
  std::vector<std::string> known;
  for (const auto& n : catalog()) known.push_back(n);
  for (const auto& c : checks) known.push_back(c.name);
  std::vector<std::string> out;
  for (const auto& name : ignore.names()) {
    if (name == "all" || is_port_name(name)) continue;
    bool found = false;
    for (const auto& k : known) found = found || lower(k) == name;
    if (found) continue;
    const std::string* best = nullptr;
    size_t best_d = 0;
    for (const auto& k : known) {
      size_t d = edit_distance(name, lower(k));
      if (!best || d < best_d) {
        best = &k;
        best_d = d;
      }
    }
    out.push_back(fmt::format(
        "--ignore-preflight-errors: no preflight check is named \"{}\"; did you mean \"{}\"? (kept: other "
        "releases may know it)",
        name, best ? *best : ""));
  }
  return out;
}

Report run_checks(const std::vector<Check>& checks, Env& env, const IgnoreSet& ignore, std::FILE* out) {
  Report rep;
  for (const auto& c : checks) {
    auto start = std::chrono::steady_clock::now();
    Result r = c.run(env);
    log::v(2, "[preflight] check {} took {}ms", c.name,
           std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
               .count());
    if (ignore.ignores(c.name)) {
      r.warnings.insert(r.warnings.end(), r.errors.begin(), r.errors.end());
      r.errors.clear();
    }
    for (const auto& w : r.warnings) {
      std::string line = fmt::format("\t[WARNING {}]: {}\n", c.name, w);
      std::fwrite(line.data(), 1, line.size(), out);
      ++rep.warnings;
    }
    std::fflush(out);
    for (const auto& e : r.errors) {
      rep.lines.push_back(fmt::format("\t[ERROR {}]: {}", c.name, e));
      ++rep.errors;
    }
    if (!r.errors.empty()) rep.failed.push_back(c.name);
  }
  return rep;
}

void throw_if_failed(const Report& r, const std::string& hint) {
  if (r.errors == 0) return;
  std::string msg = "[preflight] Some fatal errors occurred:\n";
  for (const auto& l : r.lines) msg += l + "\n";
  std::string names;
  for (const auto& n : r.failed) names += (names.empty() ? "" : ",") + n;
  throw Error(msg + "[preflight] If you know what you are doing, you can make a check non-fatal with "
                    "`--ignore-preflight-errors=...`",
              !hint.empty() ? hint
                            : fmt::format("fix the host (kadm init phase preflight --fix repairs swap, sysctls, kernel "
                                          "modules and containerd's config), or skip these checks with "
                                          "--ignore-preflight-errors={}",
                                          names),
              kExitPreflight);
}

void run_or_throw(const std::vector<Check>& checks, Env& env, const IgnoreSet& ignore, std::FILE* out) {
  throw_if_failed(run_checks(checks, env, ignore, out));
}

}  // namespace kadm::preflight
