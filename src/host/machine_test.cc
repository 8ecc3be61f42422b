#include "host/machine.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "host/fake_machine.h"
#include "util/go_buildinfo_testing.h"

namespace kadm::host {
namespace {

constexpr const char* kVersionVariable = "k8s.io/component-base/version.gitVersion";

// Runs `body` with PATH set to `path`.
template <typename F>
void with_path(const std::string& path, F body) {
  std::string old = getenv("PATH") ? getenv("PATH") : "";
  setenv("PATH", path.c_str(), 1);
  body();
  setenv("PATH", old.c_str(), 1);
}

TEST(HostMachine, KubeletVersionComesFromTheBinarysBuildInfoWithoutRunningIt) {
  FakeMachine fake;  // only for its temporary root: the SystemMachine below refuses to run anything
  SystemMachine m(fake.real(""));
  fake.put("/usr/bin/kubelet",
           gobuild::testing::go_elf("build\t-ldflags=\"-s -w -X 'k8s.io/component-base/version.gitVersion=v1.31.2'\"\n"),
           0755);
  with_path("/usr/bin", [&] {
    EXPECT_EQ(m.go_linked_string("kubelet", kVersionVariable), "v1.31.2");
    auto r = kubelet_version(m);
    EXPECT_EQ(r.status, 0) << r.error;
    EXPECT_EQ(r.output, "Kubernetes v1.31.2\n");
  });
}

TEST(HostMachine, KubeletVersionRunsTheKubeletWhenItsBuildInfoDoesNotTell) {
  FakeMachine fake;
  SystemMachine m(fake.real(""));
  // A -trimpath build records no -ldflags.
  fake.put("/usr/bin/kubelet", gobuild::testing::go_elf("build\t-trimpath=true\n"), 0755);
  fake.put("/usr/bin/not-executable", gobuild::testing::go_elf("build\t-ldflags=\"-X main.v=1\"\n"), 0644);
  with_path("/usr/bin", [&] {
    EXPECT_EQ(recorded_kubelet_version(m), std::nullopt);
    // Falls back to `kubelet --version`, which a machine with a fake root refuses to run.
    auto r = kubelet_version(m);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.error.find("refusing to run \"kubelet\""), std::string::npos) << r.error;
    EXPECT_EQ(m.go_linked_string("not-executable", "main.v"), std::nullopt);
    EXPECT_EQ(m.go_linked_string("missing", "main.v"), std::nullopt);
  });
}

// The lab's kubelet v1.20.2 (lab/ci-prepare builds it from Debian's source package): the version
// read from its build info is what `kubelet --version` prints.
TEST(HostMachine, KubeletVersionFromBuildInfoEqualsTheRealKubeletsOutput) {
  const char* cache = getenv("KADM_LAB_CACHE");
  std::string bin = std::string(cache ? cache : "/var/cache/kadm-lab") + "/k8s/v1.20.2/bin";
  if (!std::filesystem::exists(bin + "/kubelet")) GTEST_SKIP() << "no lab kubelet at " << bin;
  SystemMachine m;
  with_path(bin, [&] {
    EXPECT_EQ(recorded_kubelet_version(m), "v1.20.2");
    auto ran = run_command({bin + "/kubelet", "--version"});
    ASSERT_EQ(ran.status, 0) << ran.error;
    EXPECT_EQ(kubelet_version(m).output, ran.output);
  });
}

}  // namespace
}  // namespace kadm::host
