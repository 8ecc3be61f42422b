#include "host/kubelet.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

namespace kadm::host {
namespace {

// Runs `body` with PATH set to a fresh directory holding the given scripts.
template <typename F>
void with_path(const std::vector<std::pair<std::string, std::string>>& scripts, F body) {
  char tmpl[] = "/tmp/kadm-kubelet-test-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  for (const auto& [name, text] : scripts) {
    std::ofstream(dir + "/" + name) << text;
    chmod((dir + "/" + name).c_str(), 0755);
  }
  std::string old = getenv("PATH") ? getenv("PATH") : "";
  setenv("PATH", (dir + ":/bin:/usr/bin").c_str(), 1);
  body(dir);
  setenv("PATH", old.c_str(), 1);
  std::system(("rm -rf " + dir).c_str());
}

TEST(HostKubelet, WithoutAnInitSystemItSaysSoAndHowToStartTheKubelet) {
  std::string old = getenv("PATH") ? getenv("PATH") : "";
  setenv("PATH", "/nonexistent", 1);
  auto lines = try_start_kubelet("kubelet-start");
  setenv("PATH", old.c_str(), 1);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "[kubelet-start] No supported init system detected, won't make sure the kubelet is "
            "running properly.");
  EXPECT_NE(lines[1].find("kubelet --bootstrap-kubeconfig="), std::string::npos);
}

TEST(HostKubelet, SystemctlFailuresGiveUpstreamWarnings) {
  with_path(
      {{"systemctl", "#!/bin/sh\necho 'System has not been booted with systemd' >&2\nexit 1\n"}},
      [](const std::string&) {
        auto stop = try_stop_kubelet("kubelet-start");
        ASSERT_EQ(stop.size(), 1u);
        EXPECT_EQ(stop[0],
                  "[kubelet-start] WARNING: unable to stop the kubelet service "
                  "momentarily: [exit status 1]");
        auto start = try_start_kubelet("kubelet-start");
        ASSERT_GE(start.size(), 2u);
        EXPECT_EQ(start[0],
                  "[kubelet-start] WARNING: unable to start the kubelet service: "
                  "[failed to reload systemd: exit status 1]");
        EXPECT_FALSE(service_active("systemd-resolved"));
      });
}

TEST(HostKubelet, AWorkingSystemctlRestartsTheKubeletSilently) {
  with_path({{"systemctl",
              "#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/calls\"\n"
              "[ \"$1\" = is-active ] && echo active\nexit 0\n"}},
            [](const std::string& dir) {
              EXPECT_TRUE(try_start_kubelet("kubelet-start").empty());
              EXPECT_TRUE(service_active("systemd-resolved"));
              std::ifstream calls(dir + "/calls");
              std::string all((std::istreambuf_iterator<char>(calls)), {});
              EXPECT_NE(all.find("daemon-reload\nrestart kubelet\n"), std::string::npos) << all;
            });
}

}  // namespace
}  // namespace kadm::host
