// The mark kadm init leaves beside the cluster CA, which lets a re-run resume.
#include "phases/init/resume.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "host/fs.h"
#include "pki/testing.h"

namespace kadm::phases {
namespace {

std::string mark(const pki::testing::TempDir& dir) { return dir.path + "/var/lib/kubelet/kadm-init.json"; }

TEST(InitMark, NothingWithoutACertificateAuthority) {
  pki::testing::TempDir dir;
  write_init_mark(mark(dir), dir.path, "node1", "v1.20.2");
  EXPECT_FALSE(host::exists(mark(dir)));
  EXPECT_FALSE(read_valid_init_mark(mark(dir), dir.path));
}

TEST(InitMark, DescribesTheCAItWasWrittenFor) {
  pki::testing::TempDir dir;
  host::write_file_atomic(dir.path + "/ca.crt", "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n", 0644);
  write_init_mark(mark(dir), dir.path, "node1", "v1.20.2");
  auto m = read_valid_init_mark(mark(dir), dir.path);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->cert_dir, dir.path);
  EXPECT_EQ(m->node_name, "node1");
  EXPECT_EQ(m->kubernetes_version, "v1.20.2");
  EXPECT_EQ(m->ca_sha256.size(), 64u);
  EXPECT_EQ(m->started.size(), std::string("2026-11-25T21:00:00Z").size());
  struct stat st {};
  ASSERT_EQ(stat(mark(dir).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);  // no secret in it

  // A re-run keeps the time of the first run for the same CA, and a mark that already says all
  // this is left as it is (not replaced by an identical file).
  std::string started = m->started;
  write_init_mark(mark(dir), dir.path, "node1", "v1.20.2");
  EXPECT_EQ(read_valid_init_mark(mark(dir), dir.path)->started, started);
  struct stat again {};
  ASSERT_EQ(stat(mark(dir).c_str(), &again), 0);
  EXPECT_EQ(again.st_ino, st.st_ino);
  write_init_mark(mark(dir), dir.path, "node1", "v1.21.0");
  EXPECT_EQ(read_valid_init_mark(mark(dir), dir.path)->kubernetes_version, "v1.21.0");
  EXPECT_EQ(read_valid_init_mark(mark(dir), dir.path)->started, started);
  // A mark made for another certificates directory says nothing about this one.
  EXPECT_FALSE(read_valid_init_mark(mark(dir), dir.path + "/other"));
}

TEST(InitMark, AnotherCAMakesTheMarkStale) {
  pki::testing::TempDir dir;
  host::write_file_atomic(dir.path + "/ca.crt", "first CA\n", 0644);
  write_init_mark(mark(dir), dir.path, "node1", "v1.20.2");
  ASSERT_TRUE(read_valid_init_mark(mark(dir), dir.path));
  // Someone else (kubeadm init, a restored backup) put another CA there: not kadm's run anymore.
  host::write_file_atomic(dir.path + "/ca.crt", "second CA\n", 0644);
  EXPECT_FALSE(read_valid_init_mark(mark(dir), dir.path));
  // The CA removed (kubeadm reset, which leaves the mark): nothing to resume either.
  std::remove((dir.path + "/ca.crt").c_str());
  EXPECT_FALSE(read_valid_init_mark(mark(dir), dir.path));
}

TEST(InitMark, AForeignOrDamagedMarkIsIgnored) {
  pki::testing::TempDir dir;
  host::write_file_atomic(dir.path + "/ca.crt", "CA\n", 0644);
  host::make_dirs(dir.path + "/var/lib/kubelet");
  host::write_file_atomic(mark(dir), "{\"tool\": \"other\"}", 0644);
  EXPECT_FALSE(read_valid_init_mark(mark(dir), dir.path));
  host::write_file_atomic(mark(dir), "{not json", 0644);
  EXPECT_FALSE(read_valid_init_mark(mark(dir), dir.path));
}

}  // namespace
}  // namespace kadm::phases
