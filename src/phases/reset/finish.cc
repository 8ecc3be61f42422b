// The end of reset: the stateful directories the phases collected (etcd data, the kubelet's),
// the user's copy of admin.conf, kadm's --cleanup-network, and one list of everything reset
// left behind and why (upstream prints fixed paragraphs about CNI, iptables and kubeconfigs).
#include <fmt/format.h>

#include "phases/reset/cleanup_network.h"
#include "phases/reset/data.h"
#include "util/log.h"

namespace kadm::phases::reset {
namespace {

std::string list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return "[" + out + "]";
}

// Home directories whose .kube/config may be the copy init's banner asked for: $HOME, and the
// invoking user's under sudo.
std::vector<std::string> kubeconfig_copies(host::Machine& m) {
  std::vector<std::string> homes;
  if (auto h = m.getenv("HOME"); !h.empty()) homes.push_back(h);
  if (auto user = m.getenv("SUDO_USER"); !user.empty()) {
    size_t start = 0;
    std::string passwd = m.read_file("/etc/passwd").value_or("");
    while (start < passwd.size()) {
      size_t end = passwd.find('\n', start);
      if (end == std::string::npos) end = passwd.size();
      std::string line = passwd.substr(start, end - start);
      start = end + 1;
      if (line.rfind(user + ":", 0) != 0) continue;
      std::vector<std::string> f;
      size_t s = 0;
      while (s <= line.size()) {
        size_t e = line.find(':', s);
        if (e == std::string::npos) e = line.size();
        f.push_back(line.substr(s, e - s));
        s = e + 1;
      }
      if (f.size() >= 6 && !f[5].empty()) homes.push_back(f[5]);
    }
  }
  std::vector<std::string> out;
  for (const auto& h : homes) {
    std::string p = (h.back() == '/' ? h : h + "/") + ".kube/config";
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

}  // namespace

void finish(ResetData& d) {
  auto& m = d.machine();
  if (d.dry_run()) {
    log::progress("[reset] Would delete contents of stateful directories: {}", list(d.dirs_to_clean));
  } else {
    log::progress("[reset] Deleting contents of stateful directories: {}", list(d.dirs_to_clean));
    for (const auto& dir : d.dirs_to_clean) {
      log::v(1, "[reset] Deleting contents of {}", dir);
      if (auto err = clean_dir(m, dir); !err.empty()) {
        log::warning(fmt::format("[reset] Failed to delete contents of \"{}\" directory: {}", dir, err));
        d.left_behind.push_back(fmt::format("contents of {}: {}", dir, err));
      }
    }
  }

  for (const auto& copy : kubeconfig_copies(m)) {
    auto text = m.read_file(copy);
    if (!text) continue;
    if (d.admin_conf && *text == *d.admin_conf) {
      if (d.dry_run()) {
        log::progress("[reset] Would delete {}: a copy of this cluster's admin.conf", copy);
        continue;
      }
      log::progress("[reset] Deleting {}: a copy of this cluster's admin.conf", copy);
      if (auto err = m.remove_all(copy); !err.empty()) d.left_behind.push_back(fmt::format("{}: {}", copy, err));
    } else {
      d.left_behind.push_back(fmt::format(
          "{}: not a copy of this node's admin.conf, so it was kept; if it holds this cluster's credentials, remove them "
          "(kubectl config delete-cluster/delete-user/delete-context)",
          copy));
    }
  }

  if (d.cleanup_network) {
    cleanup_network(d);
  } else {
    d.left_behind.push_back(
        "iptables, ip6tables and nftables rules and IPVS services of kube-proxy and the CNI plugin: run 'kadm reset "
        "--cleanup-network' to remove them (and only them), or clean them by hand (iptables -F, ipvsadm --clear)");
  }
  if (!m.list_dir("/etc/cni/net.d").empty())
    d.left_behind.push_back("/etc/cni/net.d: the network plugin's configuration is not removed; remove it if you remove the plugin");
  if (d.client())
    d.left_behind.push_back(fmt::format(
        "the cluster still has Node \"{}\" (and any bootstrap tokens): 'kubectl delete node {}' on a control-plane node",
        d.node_name, d.node_name));

  std::string report = d.dry_run() ? "\n[reset] Would leave behind:\n" : "\n[reset] Left behind:\n";
  for (const auto& l : d.left_behind) report += "  - " + l + "\n";
  if (d.left_behind.empty()) report = "\n[reset] Nothing was left behind.\n";
  std::fwrite(report.data(), 1, report.size(), log::progress_stream());
  std::fflush(log::progress_stream());
}

}  // namespace kadm::phases::reset
