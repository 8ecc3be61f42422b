// Atomic writes as the kubelet sees them: it watches its static Pod directory with inotify and
// reads every file there whose name does not start with a dot as a Pod manifest.
#include "host/fs.h"

#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "pki/testing.h"

namespace kadm::host {
namespace {

using pki::testing::TempDir;

// Names of the files created in `dir` while `body` runs, as inotify reports them.
template <typename F>
std::vector<std::string> created_in(const std::string& dir, F body) {
  int fd = inotify_init1(IN_NONBLOCK);
  EXPECT_GE(fd, 0);
  inotify_add_watch(fd, dir.c_str(), IN_CREATE | IN_MOVED_TO);
  body();
  std::vector<std::string> names;
  alignas(inotify_event) char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      if (ev->len > 0) names.emplace_back(ev->name);
      p += sizeof(inotify_event) + ev->len;
    }
  }
  close(fd);
  return names;
}

TEST(WriteFileAtomic, OnlyHiddenTemporaryFilesAppearBesideTheTarget) {
  TempDir dir;
  auto names = created_in(dir.path, [&] { write_file_atomic(dir.path + "/etcd.yaml", "kind: Pod\n", 0600); });
  ASSERT_FALSE(names.empty());
  for (const auto& n : names)
    EXPECT_TRUE(n == "etcd.yaml" || n.front() == '.') << "the kubelet would read \"" << n << "\" as a manifest";
  EXPECT_EQ(read_file(dir.path + "/etcd.yaml").value_or(""), "kind: Pod\n");
  struct stat st {};
  ASSERT_EQ(stat((dir.path + "/etcd.yaml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Nothing is left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) files += e.path().filename() == "etcd.yaml" ? 1 : 100;
  EXPECT_EQ(files, 1);
}

}  // namespace
}  // namespace kadm::host
