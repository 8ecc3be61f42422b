// The command line as a user meets it: runs the real binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/testing.h"

namespace {

using Result = ::kadm::cli::testing::RunResult;

Result kadm(std::vector<std::string> args) { return ::kadm::cli::testing::run_kadm(std::move(args)); }

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(CommandLine, UnknownCommandIsOneLineWithExitCode2) {
  auto r = kadm({"inti"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("unknown command \"inti\" for \"kadm\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("kadm --help"), std::string::npos) << r.err;
}

TEST(CommandLine, UnknownFlagAndPhaseAreUsageErrors) {
  auto r = kadm({"init", "--apiserver-advertise-adress", "1.2.3.4"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown flag --apiserver-advertise-adress"), std::string::npos) << r.err;
  r = kadm({"init", "phase", "cert"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command \"cert\" for \"kadm init phase\""), std::string::npos) << r.err;
  r = kadm({"init", "--token-ttl", "soon"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--token-ttl"), std::string::npos) << r.err;
}

TEST(CommandLine, HelpIsCobraShaped) {
  auto r = kadm({"init", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("The \"init\" command executes the following phases:"), std::string::npos);
  EXPECT_NE(r.out.find("Usage:\n  kadm init [flags]\n  kadm init [command]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("      --apiserver-bind-port int32"), std::string::npos);
  EXPECT_NE(r.out.find("Global Flags:"), std::string::npos);
  EXPECT_NE(r.out.find("  -v, --v Level"), std::string::npos);
}

TEST(CommandLine, VersionFormats) {
  auto r = kadm({"version", "-o", "json"});
  ASSERT_EQ(r.code, 0);
  auto j = nlohmann::json::parse(r.out);
  std::string v = j["clientVersion"]["gitVersion"];
  EXPECT_EQ(v.rfind("v1.", 0), 0u);
  EXPECT_EQ(kadm({"version", "-o", "short"}).out, v + "\n");
  EXPECT_NE(kadm({"version", "-o", "yaml"}).out.find("clientVersion:\n  buildDate:"), std::string::npos);
  EXPECT_NE(kadm({"version", "-o", "xml"}).code, 0);
}

TEST(CommandLine, CompletionScriptsAreValidShell) {
  auto r = kadm({"completion", "bash"});
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("complete -o default -F _kadm_complete kadm"), std::string::npos);
  EXPECT_NE(r.out.find("\"kadm init phase\")"), std::string::npos);
  char tmpl[] = "/tmp/kadm-completion-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, r.out.data(), r.out.size()), static_cast<ssize_t>(r.out.size()));
  close(fd);
  std::string check = std::string("bash -n ") + tmpl;
  EXPECT_EQ(system(check.c_str()), 0);
  unlink(tmpl);
  EXPECT_EQ(kadm({"completion", "zsh"}).code, 0);
  EXPECT_NE(kadm({"completion", "fish"}).code, 0);
}

TEST(CommandLine, ConfigErrorsExitWith3AndNameTheFile) {
  std::string seed = std::string(KADM_FIXTURES) + "/config/seed-v1beta1.yaml";
  auto r = kadm({"config", "validate", "--config", seed});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find(seed + ":3:20"), std::string::npos) << r.err;
  r = kadm({"config", "migrate", "--old-config", seed});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("apiVersion: kubeadm.k8s.io/v1beta4"), std::string::npos);
  EXPECT_NE(r.out.find("- name: node-monitor-grace-period"), std::string::npos) << r.out;
}

TEST(CommandLine, ConfigCannotBeMixedWithConfigurationFlags) {
  std::string seed = std::string(KADM_FIXTURES) + "/config/seed-v1beta1.yaml";
  auto r = kadm({"config", "images", "list", "--config", seed, "--kubernetes-version", "v1.20.2"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("can not mix '--config' with arguments [kubernetes-version]"), std::string::npos) << r.err;
}

}  // namespace
