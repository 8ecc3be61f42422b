// `kadm join` as an operator meets it before any cluster is involved: help, flag mistakes, and
// discovery failing fast and distinctly against loopback addresses. Runs the real binary.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/testing.h"

namespace {

using Result = ::kadm::cli::testing::RunResult;

Result kadm(std::vector<std::string> args) { return ::kadm::cli::testing::run_kadm(std::move(args)); }

const std::string kHash = "sha256:" + std::string(64, 'a');
const std::string kToken = "abcdef.0123456789abcdef";

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content) {
    path = (std::filesystem::temp_directory_path() /
            ("kadm-join-test-" + std::to_string(getpid()) + ".yaml"))
               .string();
    std::ofstream(path) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
};

TEST(JoinCommand, HelpListsThePhasesAndTheEndpointArgument) {
  auto r = kadm({"join", "--help"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* s :
       {"join [api-server-endpoint] [flags]", "preflight", "control-plane-prepare",
        "/download-certs", "kubelet-start", "control-plane-join", "/mark-control-plane",
        "--discovery-token-ca-cert-hash", "--discovery-token-unsafe-skip-ca-verification",
        "--certificate-key", "--control-plane", "--dry-run", "--tls-bootstrap-token"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  EXPECT_EQ(r.out.find("tls-bootstrap "), std::string::npos) << "the kadm-only phase is hidden";
  auto p = kadm({"join", "phase", "kubelet-start", "--help"});
  EXPECT_NE(p.out.find("kubelet-start [api-server-endpoint] [flags]"), std::string::npos) << p.out;
  auto cpj = kadm({"join", "phase", "control-plane-join", "--help"});
  EXPECT_NE(cpj.out.find("all"), std::string::npos) << cpj.out;
}

TEST(JoinCommand, StraySpaceInTheTokenIsNamedWithoutEchoingTheSecret) {
  auto r = kadm({"join", "10.0.0.11:6443", "--token", "k3x9q2.s7v4w1z8y5t2u6r0 ",
                 "--discovery-token-ca-cert-hash", kHash});
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("character 24 is a space"), std::string::npos) << r.err;
  EXPECT_EQ((r.out + r.err).find("s7v4w1z8y5t2u6r0"), std::string::npos) << r.out << r.err;
}

TEST(JoinCommand, MalformedCAHashIsNamed) {
  auto r = kadm({"join", "10.0.0.11:6443", "--token", kToken, "--discovery-token-ca-cert-hash",
                 "sha256:12 34"});
  EXPECT_EQ(r.code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("character 10 is a space"), std::string::npos) << r.err;
}

TEST(JoinCommand, MissingPinIsRefusedAsUpstreamDoes) {
  auto r = kadm({"join", "10.0.0.11:6443", "--token", kToken});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("using token-based discovery without caCertHashes can be unsafe"),
            std::string::npos)
      << r.err;
}

TEST(JoinCommand, UnreachableEndpointFailsWithExitCode10WithinTheDiscoveryTimeout) {
  // A JoinConfiguration of an older schema, with a short discovery timeout (v1beta3 field).
  TempFile cfg(R"(apiVersion: kubeadm.k8s.io/v1beta3
kind: JoinConfiguration
discovery:
  timeout: 2s
  bootstrapToken:
    apiServerEndpoint: 127.0.0.1:1
    token: abcdef.0123456789abcdef
    caCertHashes: ["sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]
nodeRegistration:
  name: test-node
)");
  auto start = std::chrono::steady_clock::now();
  auto r = kadm({"join", "--config", cfg.path, "--skip-phases", "preflight", "--dry-run"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.code, 10) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot reach the API server at 127.0.0.1:1"), std::string::npos) << r.err;
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_EQ((r.out + r.err).find("0123456789abcdef"), std::string::npos);
}

TEST(JoinCommand, ConfigCannotBeMixedWithDiscoveryFlags) {
  TempFile cfg(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\ndiscovery:\n  file:\n    "
      "kubeConfigPath: /x.conf\n");
  auto r = kadm({"join", "--config", cfg.path, "--token", kToken});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("can not mix '--config' with arguments [token]"), std::string::npos)
      << r.err;
}

}  // namespace
