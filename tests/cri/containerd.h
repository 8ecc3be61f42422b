// A containerd started by a test: private root, state and socket under a temporary directory,
// in its own mount namespace with a tmpfs over /run/containerd (where its shims put their
// sockets), so that it never touches the host's containerd. Ended by PID, with the shims it
// started (the test process is their subreaper).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace kadm::testing {

struct ContainerdOptions {
  bool cri_enabled = true;
  std::string sandbox_image = "k8s.gcr.io/pause:3.2";
  // registry host → mirror endpoint ("http://127.0.0.1:5000") in the CRI plugin's config.
  std::vector<std::pair<std::string, std::string>> mirrors;
};

class TestContainerd {
 public:
  // Starts containerd and waits (up to 30 s) for its socket; throws std::runtime_error with the
  // tail of its log on failure.
  explicit TestContainerd(const ContainerdOptions& options = {});
  ~TestContainerd();
  TestContainerd(const TestContainerd&) = delete;
  TestContainerd& operator=(const TestContainerd&) = delete;

  const std::string& dir() const { return dir_; }
  std::string socket() const { return dir_ + "/containerd.sock"; }
  std::string endpoint() const { return "unix://" + socket(); }
  pid_t pid() const { return pid_; }

  // `ctr images import` into the CRI's namespace (k8s.io); throws on failure.
  void import(const std::string& archive_path) const;
  // Ends containerd (SIGTERM, then SIGKILL after 10 s) and every shim it left.
  void stop();
  std::string log_tail() const;

 private:
  std::string dir_;
  std::string mount_ns_;  // containerd's (and its shims') mount namespace
  pid_t pid_ = -1;
};

// Why the CRI integration tests cannot run here ("" when they can): root, containerd, ctr,
// runc and unshare are needed.
std::string missing_prerequisite();

// Makes this process the subreaper of its descendants, so that containerd's shims are reaped
// and ended by this process, by PID.
void become_subreaper();

// Runs a command, returns its exit status and fills `output` with stdout+stderr.
int run(const std::vector<std::string>& argv, std::string* output, const std::vector<std::string>& env = {});

}  // namespace kadm::testing
