// The machine as preflight, --fix and reset see it: files, processes, ports, mounts and kernel
// facts behind one narrow interface. SystemMachine is the real one; every path it touches is
// prefixed with `root`, so tests run the same code against a fake root directory (and a subclass
// that fakes processes, ports and mounts, see host/fake_machine.h). A SystemMachine with a fake
// root refuses to run commands or unmount anything: nothing can leak onto the host.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/kubelet.h"

namespace kadm::host {

struct FileInfo {
  bool exists = false;
  bool is_dir = false;
  bool is_symlink = false;
};

class Machine {
 public:
  virtual ~Machine() = default;

  // Files. Paths are absolute host paths ("/etc/fstab"); implementations map them.
  virtual std::optional<std::string> read_file(const std::string& path) = 0;
  virtual FileInfo stat(const std::string& path) = 0;
  // Entry names of a directory (no "." or ".."); empty when it is missing or not a directory.
  virtual std::vector<std::string> list_dir(const std::string& path) = 0;
  // Atomic write (temp file + rename), creating parent directories. Throws kadm::Error.
  virtual void write_file(const std::string& path, const std::string& content, mode_t mode) = 0;
  // rm -rf that never follows symlinks and never crosses into another mount. Returns "" or why
  // something could not be removed.
  virtual std::string remove_all(const std::string& path) = 0;

  // Processes.
  virtual CommandResult run(const std::vector<std::string>& argv) = 0;
  virtual bool on_path(const std::string& executable) = 0;
  // The value the Go executable `executable` on PATH was linked with for the string variable
  // `name` (-X in the -ldflags its build info records, util/go_buildinfo.h), found without
  // running it; nullopt when it is not on PATH or records no such flag.
  virtual std::optional<std::string> go_linked_string(const std::string& executable, std::string_view name) = 0;

  // Facts.
  virtual uid_t euid() = 0;
  virtual int num_cpus() = 0;
  virtual uint64_t total_ram_mb() = 0;
  virtual std::string kernel_release() = 0;
  // True when a TCP listener on :port can be created now (upstream net.Listen(":port")).
  virtual bool port_free(int port) = 0;
  // Addresses the resolver returns for `name` (/etc/hosts, DNS); empty with `why` when none.
  virtual std::vector<std::string> lookup_host(const std::string& name, std::string* why) = 0;
  virtual std::string getenv(const std::string& name) = 0;
  // True when /sys/fs/cgroup is a cgroup2 (unified) mount.
  virtual bool cgroup_v2() = 0;

  // Mount points (from /proc/mounts), in the order the kernel lists them.
  virtual std::vector<std::string> mount_points() = 0;
  // umount2(target, flags); "" or the reason.
  virtual std::string unmount(const std::string& target, int flags) = 0;

  bool exists(const std::string& path) { return stat(path).exists; }
};

class SystemMachine : public Machine {
 public:
  explicit SystemMachine(std::string root = "");

  const std::string& root() const { return root_; }
  // The real location of a host path under root.
  std::string real(const std::string& path) const { return root_ + path; }

  std::optional<std::string> read_file(const std::string& path) override;
  FileInfo stat(const std::string& path) override;
  std::vector<std::string> list_dir(const std::string& path) override;
  void write_file(const std::string& path, const std::string& content, mode_t mode) override;
  std::string remove_all(const std::string& path) override;
  CommandResult run(const std::vector<std::string>& argv) override;
  bool on_path(const std::string& executable) override;
  std::optional<std::string> go_linked_string(const std::string& executable, std::string_view name) override;
  uid_t euid() override;
  int num_cpus() override;
  uint64_t total_ram_mb() override;
  std::string kernel_release() override;
  bool port_free(int port) override;
  std::vector<std::string> lookup_host(const std::string& name, std::string* why) override;
  std::string getenv(const std::string& name) override;
  bool cgroup_v2() override;
  std::vector<std::string> mount_points() override;
  std::string unmount(const std::string& target, int flags) override;

 private:
  std::string root_;
};

// The version the kubelet binary on PATH was linked with (k8s.io/component-base/version.gitVersion,
// which `kubelet --version` prints), when its build info records it.
std::optional<std::string> recorded_kubelet_version(Machine& m);
// What `kubelet --version` prints ("Kubernetes v1.20.2"): the recorded version, so that no 100 MB
// Go program has to start, else by running it.
CommandResult kubelet_version(Machine& m);

// Flags of umount2 by the names ResetConfiguration.unmountFlags uses (MNT_FORCE, MNT_DETACH,
// MNT_EXPIRE, UMOUNT_NOFOLLOW); unknown names are ignored (validation rejects them earlier).
int unmount_flags(const std::vector<std::string>& names);

}  // namespace kadm::host
