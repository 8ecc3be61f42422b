// reset phase cleanup-node (upstream cmd/phases/reset/cleanupnode.go): stop the kubelet, unmount
// what it mounted under /var/lib/kubelet, remove the node's Pods through the container runtime,
// and delete what init/join wrote in /etc/kubernetes (manifests, certificates, kubeconfigs).
#include <fmt/format.h>

#include <algorithm>

#include "host/init_system.h"
#include "phases/reset/data.h"
#include "util/log.h"

namespace kadm::phases::reset {
namespace {

std::string list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return "[" + out + "]";
}

void stop_kubelet(ResetData& d) {
  std::string why;
  auto init = host::detect_init_system(d.machine(), &why);
  if (!init) {
    log::warning("[reset] The kubelet service could not be stopped by kadm. Unable to detect a supported init system!");
    log::warning("[reset] Please ensure kubelet is stopped manually");
    d.left_behind.push_back("the kubelet may still run: no init system was found to stop it (stop it yourself)");
    return;
  }
  if (d.dry_run()) {
    log::progress("[reset] Would stop the kubelet service");
    return;
  }
  log::progress("[reset] Stopping the kubelet service");
  if (auto err = init->stop("kubelet"); !err.empty()) {
    log::warning(fmt::format("[reset] The kubelet service could not be stopped by kadm: [{}]", err));
    log::warning("[reset] Please ensure kubelet is stopped manually");
    d.left_behind.push_back(fmt::format("the kubelet may still run: stopping it failed: {}", err));
  }
}

// Unmounts everything mounted below the kubelet's directory, deepest first; true when nothing
// is left mounted there (so its contents may be deleted).
bool unmount_kubelet_dir(ResetData& d) {
  const std::string& dir = d.paths.kubelet_dir;
  if (d.dry_run()) {
    log::progress("[reset] Would unmount mounted directories in \"{}\"", dir);
    return false;
  }
  log::progress("[reset] Unmounting mounted directories in \"{}\"", dir);
  std::string prefix = dir.back() == '/' ? dir : dir + "/";
  std::vector<std::string> targets;
  for (const auto& mp : d.machine().mount_points())
    if (mp.rfind(prefix, 0) == 0) targets.push_back(mp);
  std::sort(targets.begin(), targets.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  int flags = host::unmount_flags(d.cfg.unmount_flags);
  bool ok = true;
  for (const auto& t : targets) {
    if (auto err = d.machine().unmount(t, flags); !err.empty()) {
      log::warning(fmt::format("[reset] Failed to unmount mounted directory in {}: {}: {}", dir, t, err));
      d.left_behind.push_back(fmt::format("{} is still mounted ({}); unmount it, then delete the contents of {}", t, err, dir));
      ok = false;
    }
  }
  return ok;
}

void remove_pods(ResetData& d) {
  if (d.dry_run()) {
    log::progress("[reset] Would remove Kubernetes-managed containers");
    return;
  }
  log::v(1, "[reset] Removing Kubernetes-managed containers");
  std::string err;
  auto pods = d.runtime().list_pod_sandboxes(&err);
  if (!err.empty()) {
    log::warning(fmt::format("[reset] Failed to remove containers: {}", err));
    d.left_behind.push_back(fmt::format("Pods and containers of {}: {} (remove them with crictl rmp -af)", d.runtime().endpoint(), err));
    return;
  }
  std::vector<std::string> failed;
  for (const auto& id : pods) {
    if (auto e = d.runtime().remove_pod_sandbox(id); !e.empty()) {
      log::warning(fmt::format("[reset] Failed to remove containers: {}", e));
      failed.push_back(id);
    }
  }
  if (!failed.empty())
    d.left_behind.push_back(fmt::format("{} Pod sandbox(es) could not be removed: {} (crictl rmp -f <id>)", failed.size(), list(failed)));
  else
    log::v(1, "[reset] Removed {} Pod sandbox(es)", pods.size());
}

}  // namespace

void run_cleanup_node(ResetData& d) {
  auto& m = d.machine();
  stop_kubelet(d);
  if (unmount_kubelet_dir(d)) d.dirs_to_clean.push_back(d.paths.kubelet_dir);
  else if (d.dry_run()) d.dirs_to_clean.push_back(d.paths.kubelet_dir);
  remove_pods(d);
  if (d.release().reset_legacy_dirs)
    for (const char* dir : {"/var/lib/dockershim", "/var/run/kubernetes", "/var/lib/cni"}) d.dirs_to_clean.push_back(dir);

  const std::string& certs = d.cfg.certificates_dir;
  if (certs != "/etc/kubernetes/pki")
    log::warning(fmt::format("[reset] WARNING: Cleaning a non-default certificates directory: \"{}\"", certs));
  std::vector<std::string> config_dirs = {d.manifests_dir(), certs};
  if (d.cfg.cleanup_tmp_dir) config_dirs.push_back(d.paths.kubernetes_dir + "/tmp");
  std::vector<std::string> files;
  for (const char* f : {"admin.conf", "kubelet.conf", "bootstrap-kubelet.conf", "controller-manager.conf", "scheduler.conf"})
    files.push_back(d.paths.kubernetes_dir + "/" + f);
  if (d.release().admin_is_cluster_admins) files.push_back(d.paths.kubernetes_dir + "/super-admin.conf");

  if (d.dry_run()) {
    log::progress("[reset] Would delete contents of config directories: {}", list(config_dirs));
    log::progress("[reset] Would delete files: {}", list(files));
    return;
  }
  log::progress("[reset] Deleting contents of config directories: {}", list(config_dirs));
  for (const auto& dir : config_dirs) {
    if (auto err = clean_dir(m, dir); !err.empty()) {
      log::warning(fmt::format("[reset] Failed to delete contents of \"{}\" directory: {}", dir, err));
      d.left_behind.push_back(fmt::format("contents of {}: {}", dir, err));
    }
  }
  log::progress("[reset] Deleting files: {}", list(files));
  for (const auto& f : files) {
    if (auto err = m.remove_all(f); !err.empty()) {
      log::warning(fmt::format("[reset] Failed to remove file: \"{}\" [{}]", f, err));
      d.left_behind.push_back(fmt::format("{}: {}", f, err));
    }
  }
}

}  // namespace kadm::phases::reset
