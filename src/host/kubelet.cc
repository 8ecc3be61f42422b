#include "host/kubelet.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

extern char** environ;

namespace kadm::host {

std::optional<std::string> find_on_path(const std::string& name, const std::string& root) {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (dir.empty()) dir = ".";
    std::string full = root + dir + "/" + name;
    struct stat st;
    if (::stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(full.c_str(), X_OK) == 0)
      return full;
    start = end + 1;
  }
  return std::nullopt;
}

bool on_path(const std::string& name) { return find_on_path(name).has_value(); }

CommandResult run_command(const std::vector<std::string>& argv) {
  CommandResult r;
  int fds[2];
  if (::pipe(fds) != 0) {
    r.error = "cannot create a pipe";
    return r;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    r.error = fmt::format("exec: \"{}\": executable file not found in $PATH", argv[0]);
    return r;
  }
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) r.output.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  if (r.status != 0) r.error = fmt::format("exit status {}", r.status);
  return r;
}

namespace {

// upstream SystemdInitSystem.ServiceExists: `systemctl status` not reporting "Loaded: not-found".
bool kubelet_service_exists() {
  auto r = run_command({"systemctl", "status", "kubelet"});
  return r.output.find("Loaded: not-found") == std::string::npos;
}

std::string pid1_name() {
  std::ifstream in("/proc/1/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

std::string manual_start_hint(const std::string& phase) {
  return fmt::format(
      "[{}] kadm: no kubelet service could be (re)started here (PID 1 is \"{}\", not systemd); "
      "start "
      "the kubelet yourself: kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf "
      "--kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml "
      "$KUBELET_KUBEADM_ARGS (from /var/lib/kubelet/kubeadm-flags.env)",
      phase, pid1_name());
}

}  // namespace

std::vector<std::string> try_stop_kubelet(const std::string& phase) {
  if (!on_path("systemctl"))
    return {
        fmt::format("[{}] No supported init system detected, won't make sure the kubelet not "
                    "running for a short period of time while setting up configuration for it.",
                    phase)};
  if (!kubelet_service_exists())
    return {
        fmt::format("[{}] Couldn't detect a kubelet service, can't make sure the kubelet not "
                    "running for a short period of time while setting up configuration for it.",
                    phase)};
  auto r = run_command({"systemctl", "stop", "kubelet"});
  if (r.status != 0)
    return {fmt::format("[{}] WARNING: unable to stop the kubelet service momentarily: [{}]", phase,
                        r.error)};
  return {};
}

std::vector<std::string> try_start_kubelet(const std::string& phase) {
  if (!on_path("systemctl"))
    return {fmt::format("[{}] No supported init system detected, won't make sure the kubelet is "
                        "running properly.",
                        phase),
            manual_start_hint(phase)};
  std::vector<std::string> out;
  if (!kubelet_service_exists())
    out.push_back(fmt::format(
        "[{}] Couldn't detect a kubelet service, can't make sure the kubelet is running properly.",
        phase));
  std::string err;
  auto reload = run_command({"systemctl", "daemon-reload"});
  if (reload.status != 0) {
    err = "failed to reload systemd: " + reload.error;
  } else {
    auto restart = run_command({"systemctl", "restart", "kubelet"});
    if (restart.status != 0) err = "failed to restart kubelet: " + restart.error;
  }
  if (!err.empty()) {
    out.push_back(
        fmt::format("[{}] WARNING: unable to start the kubelet service: [{}]", phase, err));
    out.push_back(
        fmt::format("[{}] Please ensure kubelet is reloaded and running manually.", phase));
    out.push_back(manual_start_hint(phase));
  }
  return out;
}

bool service_active(const std::string& unit) {
  if (!on_path("systemctl")) return false;
  auto r = run_command({"systemctl", "is-active", unit});
  return r.status == 0 && r.output.rfind("active", 0) == 0;
}

std::string docker_cgroup_driver(std::string* warning) {
  auto r = run_command({"docker", "info", "-f", "{{.CgroupDriver}}"});
  if (r.status != 0) {
    if (warning)
      *warning = fmt::format(
          "cannot automatically set CgroupDriver when starting the Kubelet: cannot execute 'docker "
          "info -f {{{{.CgroupDriver}}}}': {}",
          r.error);
    return "";
  }
  std::string out = r.output;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace kadm::host
