#include "host/fs.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/error.h"

namespace kadm::host {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error(SourceLocation{path, "", "", 0, 0}, fmt::format("{}: {}", what, std::strerror(errno)),
              errno == EACCES || errno == EPERM ? "run as root or choose a writable directory" : "",
              kExitFailure);
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

void make_dirs(const std::string& path, mode_t mode) {
  if (path.empty() || path == "/" || path == ".") return;
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      errno = ENOTDIR;
      fail(path, "cannot create directory");
    }
    return;
  }
  make_dirs(parent_of(path), mode);
  if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST) fail(path, "cannot create directory");
}

void write_file_atomic(const std::string& path, const std::string& content, mode_t mode) {
  std::string dir = parent_of(path);
  make_dirs(dir);
  // A hidden name: the kubelet reads every other file in its static Pod directory as a manifest,
  // so "etcd.yaml.kadm-tmp-…" there became a second etcd Pod next to etcd.yaml, both crashing on
  // the same ports and data directory.
  std::string base = path.substr(path.rfind('/') + 1);  // npos + 1 == 0: no directory part
  std::string tmpl = path.substr(0, path.size() - base.size()) + "." + base + ".kadm-tmp-XXXXXX";
  int fd = mkstemp(tmpl.data());
  if (fd < 0) fail(path, "cannot create a temporary file next to it");
  auto cleanup = [&] {
    close(fd);
    unlink(tmpl.c_str());
  };
  if (fchmod(fd, mode) != 0) {
    int e = errno;
    cleanup();
    errno = e;
    fail(path, "cannot set the file mode");
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      cleanup();
      errno = e;
      fail(path, "cannot write");
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) {
    int e = errno;
    cleanup();
    errno = e;
    fail(path, "cannot flush to disk");
  }
  close(fd);
  if (rename(tmpl.c_str(), path.c_str()) != 0) {
    int e = errno;
    unlink(tmpl.c_str());
    errno = e;
    fail(path, "cannot move the new file into place");
  }
}

std::optional<std::string> read_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail(path, "cannot read");
  }
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      errno = e;
      fail(path, "cannot read");
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

bool exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

}  // namespace kadm::host
