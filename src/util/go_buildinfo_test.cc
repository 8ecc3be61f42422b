#include "util/go_buildinfo.h"

#include <gtest/gtest.h>

#include "util/go_buildinfo_testing.h"

namespace kadm::gobuild {
namespace {

using testing::go_elf;

// As `go build -ldflags "-s -w -X 'main.v=v9.8.7' -X main.other=a\"b"` records it.
constexpr std::string_view kQuotedLdflags =
    "build\t-compiler=gc\n"
    "build\t-ldflags=\"-s -w -X 'main.v=v9.8.7' -X main.other=a\\\"b\"\n"
    "build\tCGO_ENABLED=0\n";

TEST(GoBuildInfo, ReadsAQuotedSettingAsGoRecordedIt) {
  auto elf = go_elf(kQuotedLdflags);
  EXPECT_EQ(build_setting(elf, "-ldflags"), "-s -w -X 'main.v=v9.8.7' -X main.other=a\"b");
  EXPECT_EQ(build_setting(elf, "CGO_ENABLED"), "0");
  EXPECT_EQ(build_setting(elf, "-compiler"), "gc");
}

TEST(GoBuildInfo, AMissingSettingIsNotInvented) {
  // A -trimpath build records no -ldflags.
  auto elf = go_elf("build\t-compiler=gc\nbuild\t-trimpath=true\n");
  EXPECT_EQ(build_setting(elf, "-ldflags"), std::nullopt);
  EXPECT_EQ(build_setting(elf, "-ldfla"), std::nullopt);
}

TEST(GoBuildInfo, OnlyGo118BuildInfoForThisMachineIsRead) {
  // Before Go 1.18 the header pointed at the strings instead of holding them.
  EXPECT_EQ(build_setting(go_elf(kQuotedLdflags, 0), "-ldflags"), std::nullopt);
  // Big-endian data, another architecture, not an ELF file at all.
  EXPECT_EQ(build_setting(go_elf(kQuotedLdflags, 3), "-ldflags"), std::nullopt);
  EXPECT_EQ(build_setting(go_elf(kQuotedLdflags, 2, EM_RISCV), "-ldflags"), std::nullopt);
  EXPECT_EQ(build_setting("#!/bin/sh\necho Kubernetes v1.20.2\n", "-ldflags"), std::nullopt);
  EXPECT_EQ(build_setting("", "-ldflags"), std::nullopt);
}

TEST(GoBuildInfo, TruncatedOrCorruptFilesGiveNothing) {
  auto elf = go_elf(kQuotedLdflags);
  // Cut anywhere: the section table (at the end) or the data it points at is gone.
  for (size_t n = 0; n < elf.size(); n += 7)
    EXPECT_EQ(build_setting(std::string_view(elf).substr(0, n), "-ldflags"), std::nullopt) << n;
  // A module-info length running past the section.
  std::string bad = elf;
  size_t at = bad.find("go1.19.8") + 8;
  bad[at] = '\x7f';
  bad[at + 1] = '\x7f';
  EXPECT_EQ(build_setting(bad, "-ldflags"), std::nullopt);
  // A quoted value with an escape strconv.Quote never writes for ASCII.
  EXPECT_EQ(build_setting(go_elf("build\t-ldflags=\"-X a.b=\\q\"\n"), "-ldflags"), std::nullopt);
}

TEST(GoBuildInfo, XFlagTakesTheLinkersLastValueForTheVariable) {
  EXPECT_EQ(x_flag("-s -w -X 'main.v=v9.8.7' -X main.other=a\"b", "main.v"), "v9.8.7");
  EXPECT_EQ(x_flag("-s -w -X 'main.v=v9.8.7' -X main.other=a\"b", "main.other"), "a\"b");
  EXPECT_EQ(x_flag("-X main.v=1 -X=main.v=2 --X main.v=3", "main.v"), "3");
  EXPECT_EQ(x_flag("-X=main.v=1", "main.v"), "1");
  EXPECT_EQ(x_flag("-X \"main.v=with space\"", "main.v"), "with space");
  EXPECT_EQ(x_flag("-X main.value=1", "main.v"), std::nullopt);
  EXPECT_EQ(x_flag("-X", "main.v"), std::nullopt);
  EXPECT_EQ(x_flag("-X 'main.v=1", "main.v"), std::nullopt);  // unterminated quote
  EXPECT_EQ(x_flag("", "main.v"), std::nullopt);
}

TEST(GoBuildInfo, XFlagMatchesTheVendoredPathOfAGopathBuild) {
  // Kubernetes v1.20 built in GOPATH mode names its vendored packages this way.
  constexpr std::string_view kFlags =
      "-s -w -X 'k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version.gitVersion=v0.0.1' "
      "-X 'k8s.io/kubernetes/vendor/k8s.io/component-base/version.gitVersion=v1.20.2'";
  EXPECT_EQ(x_flag(kFlags, "k8s.io/component-base/version.gitVersion"), "v1.20.2");
  EXPECT_EQ(x_flag("-X 'other.io/k8s.io/component-base/version.gitVersion=v9'",
                   "k8s.io/component-base/version.gitVersion"),
            std::nullopt);
}

}  // namespace
}  // namespace kadm::gobuild
