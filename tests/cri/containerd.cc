#include "containerd.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kadm::testing {
namespace {

bool accepts(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

bool on_path(const std::string& tool) {
  std::string out;
  return run({"sh", "-c", "command -v " + tool}, &out) == 0;
}

struct ProcInfo {
  pid_t pid;
  pid_t ppid;
};

std::vector<ProcInfo> all_processes() {
  std::vector<ProcInfo> out;
  DIR* proc = opendir("/proc");
  if (!proc) return out;
  while (dirent* e = readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    std::ifstream stat(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    out.push_back({std::atoi(e->d_name), ppid});
  }
  closedir(proc);
  return out;
}

std::string mount_ns(pid_t pid) {
  char buf[64] = {};
  ssize_t n = readlink(fmt::format("/proc/{}/ns/mnt", pid).c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// The shims a containerd left (children of this process, their subreaper, in that containerd's
// mount namespace) and everything below them (the containers).
std::vector<pid_t> leftovers_of(const std::string& ns) {
  auto procs = all_processes();
  std::vector<pid_t> out;
  for (const auto& p : procs)
    if (p.ppid == getpid() && !ns.empty() && mount_ns(p.pid) == ns) out.push_back(p.pid);
  for (size_t i = 0; i < out.size(); ++i)
    for (const auto& p : procs)
      if (p.ppid == out[i]) out.push_back(p.pid);
  return out;
}

bool wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD && kill(pid, 0) != 0)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string config(const std::string& dir, const ContainerdOptions& o) {
  std::string c = fmt::format(R"(# containerd of a kadm CRI test
version = 2
root = "{0}/root"
state = "{0}/state"
{1}
[grpc]
  address = "{0}/containerd.sock"
[ttrpc]
  address = "{0}/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "{0}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "{2}"
  # No CAP_SYS_RESOURCE here: negative oom_score_adj would fail every container.
  restrict_oom_score_adj = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "{0}/cni-bin"
    conf_dir = "{0}/cni-conf"
)",
                              dir, o.cri_enabled ? "" : R"(disabled_plugins = ["io.containerd.grpc.v1.cri"])",
                              o.sandbox_image);
  for (const auto& [host, endpoint] : o.mirrors)
    c += fmt::format("  [plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"{}\"]\n    endpoint = [\"{}\"]\n", host,
                     endpoint);
  return c;
}

}  // namespace

int run(const std::vector<std::string>& argv, std::string* output, const std::vector<std::string>& env) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    dup2(pipefd[1], 2);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(pipefd[1]);
  output->clear();
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) output->append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string missing_prerequisite() {
  if (geteuid() != 0) return "not root (containerd needs root)";
  for (const char* tool : {"containerd", "ctr", "runc", "unshare", "containerd-shim-runc-v2"})
    if (!on_path(tool)) return fmt::format("{} is not installed (scripts/install-deps installs it)", tool);
  return "";
}

void become_subreaper() { prctl(PR_SET_CHILD_SUBREAPER, 1); }

TestContainerd::TestContainerd(const ContainerdOptions& options) {
  char tmpl[] = "/tmp/kadm-cri-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  {
    std::ofstream cfg(dir_ + "/containerd.toml");
    cfg << config(dir_, options);
  }
  pid_ = fork();
  if (pid_ == 0) {
    int log = open((dir_ + "/containerd.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(log, 1);
    dup2(log, 2);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    setsid();
    // Own mount namespace; a private /run/containerd there for the shims' sockets and runc state.
    std::string script = "mkdir -p /run/containerd && mount -t tmpfs -o mode=0711 kadm-cri-test /run/containerd && "
                         "exec containerd --config \"$0\"";
    execlp("unshare", "unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script.c_str(),
           (dir_ + "/containerd.toml").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < end) {
    if (accepts(socket())) {
      mount_ns_ = mount_ns(pid_);
      return;
    }
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("containerd exited at start:\n" + log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string tail = log_tail();
  stop();
  throw std::runtime_error("containerd did not open its socket within 30 s:\n" + tail);
}

TestContainerd::~TestContainerd() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void TestContainerd::import(const std::string& archive_path) const {
  std::string out;
  int rc = run({"ctr", "-a", socket(), "-n", "k8s.io", "images", "import", archive_path}, &out);
  if (rc != 0) throw std::runtime_error("ctr images import " + archive_path + " failed: " + out);
}

void TestContainerd::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGCONT);  // a test may have stopped it
    kill(pid_, SIGTERM);
    if (!wait_exit(pid_, std::chrono::seconds(10))) {
      kill(pid_, SIGKILL);
      wait_exit(pid_, std::chrono::seconds(10));
    }
    pid_ = -1;
  }
  // Shims outlive containerd by design; as their subreaper, this process ends them and the
  // containers under them, by PID.
  auto left = leftovers_of(mount_ns_);
  for (pid_t p : left) kill(p, SIGKILL);
  for (pid_t p : left) wait_exit(p, std::chrono::seconds(5));
}

std::string TestContainerd::log_tail() const {
  std::ifstream in(dir_ + "/containerd.log");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (lines.size() > 20) lines.erase(lines.begin());
  }
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

}  // namespace kadm::testing
