#include "host/machine.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <linux/magic.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <algorithm>

#include "host/fs.h"
#include "util/go_buildinfo.h"

namespace kadm::host {
namespace {

// /proc/mounts escapes space, tab, newline and backslash as \ooo.
std::string unescape_mount_field(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const char* p = s.c_str() + i + 1;
      if (p[0] >= '0' && p[0] <= '7' && p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7') {
        out += static_cast<char>((p[0] - '0') * 64 + (p[1] - '0') * 8 + (p[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Removes `path` (not following symlinks); directories on another device than `dev` are left
// alone and reported, like a busy mount would be.
void remove_tree(const std::string& path, dev_t dev, std::string& problems) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) problems += fmt::format("{}: {}; ", path, std::strerror(errno));
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    if (st.st_dev != dev) {
      problems += fmt::format("{}: is a mount point (not removed); ", path);
      return;
    }
    DIR* d = ::opendir(path.c_str());
    if (!d) {
      problems += fmt::format("{}: {}; ", path, std::strerror(errno));
      return;
    }
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    for (const auto& n : names) remove_tree(path + "/" + n, dev, problems);
    if (::rmdir(path.c_str()) != 0 && errno != ENOENT)
      problems += fmt::format("{}: {}; ", path, std::strerror(errno));
    return;
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    problems += fmt::format("{}: {}; ", path, std::strerror(errno));
}

}  // namespace

SystemMachine::SystemMachine(std::string root) : root_(std::move(root)) {
  while (!root_.empty() && root_.back() == '/') root_.pop_back();
}

std::optional<std::string> SystemMachine::read_file(const std::string& path) {
  return host::read_file(real(path));
}

FileInfo SystemMachine::stat(const std::string& path) {
  FileInfo fi;
  struct stat st {};
  if (::lstat(real(path).c_str(), &st) != 0) return fi;
  fi.exists = true;
  fi.is_symlink = S_ISLNK(st.st_mode);
  if (fi.is_symlink) {
    struct stat target {};
    fi.is_dir = ::stat(real(path).c_str(), &target) == 0 && S_ISDIR(target.st_mode);
  } else {
    fi.is_dir = S_ISDIR(st.st_mode);
  }
  return fi;
}

std::vector<std::string> SystemMachine::list_dir(const std::string& path) {
  std::vector<std::string> out;
  DIR* d = ::opendir(real(path).c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

void SystemMachine::write_file(const std::string& path, const std::string& content, mode_t mode) {
  write_file_atomic(real(path), content, mode);
}

std::string SystemMachine::remove_all(const std::string& path) {
  struct stat st {};
  std::string full = real(path);
  if (::lstat(full.c_str(), &st) != 0) return errno == ENOENT ? "" : fmt::format("{}: {}", path, std::strerror(errno));
  std::string problems;
  remove_tree(full, st.st_dev, problems);
  if (!root_.empty()) {
    // Report host paths, not the fake root's.
    for (size_t at; (at = problems.find(root_)) != std::string::npos;) problems.erase(at, root_.size());
  }
  if (problems.size() >= 2) problems.resize(problems.size() - 2);
  return problems;
}

CommandResult SystemMachine::run(const std::vector<std::string>& argv) {
  if (!root_.empty()) {
    CommandResult r;
    r.error = fmt::format("refusing to run \"{}\" against the fake root {}", argv.empty() ? "" : argv[0], root_);
    return r;
  }
  return run_command(argv);
}

bool SystemMachine::on_path(const std::string& executable) { return find_on_path(executable, root_).has_value(); }

std::optional<std::string> SystemMachine::go_linked_string(const std::string& executable, std::string_view name) {
  auto path = find_on_path(executable, root_);
  if (!path) return std::nullopt;
  int fd = ::open(path->c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  void* map = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && st.st_size > 0)
    map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return std::nullopt;
  // Mapped, not read: of a 100 MB binary only the headers and the build info are paged in.
  std::string_view elf(static_cast<const char*>(map), static_cast<size_t>(st.st_size));
  std::optional<std::string> value;
  if (auto ldflags = gobuild::build_setting(elf, "-ldflags")) value = gobuild::x_flag(*ldflags, name);
  ::munmap(map, static_cast<size_t>(st.st_size));
  return value;
}

std::optional<std::string> recorded_kubelet_version(Machine& m) {
  auto v = m.go_linked_string("kubelet", "k8s.io/component-base/version.gitVersion");
  if (v && v->empty()) return std::nullopt;
  return v;
}

CommandResult kubelet_version(Machine& m) {
  if (auto v = recorded_kubelet_version(m)) return {0, "Kubernetes " + *v + "\n", ""};
  return m.run({"kubelet", "--version"});
}

uid_t SystemMachine::euid() { return ::geteuid(); }

int SystemMachine::num_cpus() {
  // Go's runtime.NumCPU counts the CPUs this process may run on.
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

uint64_t SystemMachine::total_ram_mb() {
  struct sysinfo info {};
  if (::sysinfo(&info) != 0) return 0;
  return static_cast<uint64_t>(info.totalram) * info.mem_unit / 1024 / 1024;
}

std::string SystemMachine::kernel_release() {
  struct utsname u {};
  if (::uname(&u) != 0) return "";
  return u.release;
}

bool SystemMachine::port_free(int port) {
  // Go listens on the dual-stack wildcard with SO_REUSEADDR; do the same, IPv4 only without IPv6.
  int one = 1;
  int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    int zero = 0;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<uint16_t>(port));
    a.sin6_addr = in6addr_any;
    bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd, 1) == 0;
    ::close(fd);
    return ok;
  }
  fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd, 1) == 0;
  ::close(fd);
  return ok;
}

std::vector<std::string> SystemMachine::lookup_host(const std::string& name, std::string* why) {
  std::vector<std::string> out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    if (why) *why = fmt::format("lookup {}: {}", name, gai_strerror(rc));
    return out;
  }
  for (addrinfo* a = res; a; a = a->ai_next) {
    char host[NI_MAXHOST];
    if (::getnameinfo(a->ai_addr, a->ai_addrlen, host, sizeof host, nullptr, 0, NI_NUMERICHOST) == 0)
      out.push_back(host);
  }
  ::freeaddrinfo(res);
  return out;
}

std::string SystemMachine::getenv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v ? v : "";
}

bool SystemMachine::cgroup_v2() {
  struct statfs st {};
  if (::statfs(real("/sys/fs/cgroup").c_str(), &st) != 0) return false;
  return st.f_type == CGROUP2_SUPER_MAGIC;
}

std::vector<std::string> SystemMachine::mount_points() {
  std::vector<std::string> out;
  auto text = read_file("/proc/mounts");
  if (!text) return out;
  size_t start = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string line = text->substr(start, end - start);
    start = end + 1;
    size_t a = line.find(' ');
    if (a == std::string::npos) continue;
    size_t b = line.find(' ', a + 1);
    out.push_back(unescape_mount_field(line.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1)));
  }
  return out;
}

std::string SystemMachine::unmount(const std::string& target, int flags) {
  if (!root_.empty()) return fmt::format("refusing to unmount {} against the fake root {}", target, root_);
  if (::umount2(target.c_str(), flags) != 0) return std::strerror(errno);
  return "";
}

int unmount_flags(const std::vector<std::string>& names) {
  int flags = 0;
  for (const auto& n : names) {
    if (n == "MNT_FORCE") flags |= MNT_FORCE;
    else if (n == "MNT_DETACH") flags |= MNT_DETACH;
    else if (n == "MNT_EXPIRE") flags |= MNT_EXPIRE;
    else if (n == "UMOUNT_NOFOLLOW") flags |= UMOUNT_NOFOLLOW;
  }
  return flags;
}

}  // namespace kadm::host
