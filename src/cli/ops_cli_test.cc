// The kadm binary's token, reset and preflight command lines: help that documents kadm's
// choices, and bad input rejected with exit codes before anything touches a cluster.
#include <gtest/gtest.h>

#include "host/kubelet.h"

namespace kadm::cli {
namespace {

host::CommandResult kadm(std::vector<std::string> args) {
  args.insert(args.begin(), KADM_BINARY);
  return host::run_command(args);
}

TEST(OpsCommandLine, TokenCreateRejectsAMalformedTokenWithoutEchoingIt) {
  auto r = kadm({"token", "create", "abcdef.0123456789ABCDEF", "--kubeconfig", "/nonexistent/admin.conf"});
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_NE(r.output.find("the bootstrap token given as argument is invalid"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("0123456789ABCDEF"), std::string::npos) << r.output;
  // Validation comes first: the missing kubeconfig is never read.
  EXPECT_EQ(r.output.find("/nonexistent"), std::string::npos) << r.output;
}

TEST(OpsCommandLine, TokenCreateRejectsBadFlagsBeforeConnecting) {
  auto r = kadm({"token", "create", "--usages", "signing,bogus", "--kubeconfig", "/nonexistent/admin.conf"});
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_NE(r.output.find("invalid bootstrap token usage string: bogus"), std::string::npos) << r.output;
  r = kadm({"token", "create", "--ttl", "soon"});
  EXPECT_EQ(r.status, 2) << r.output;
  r = kadm({"token", "create", "--certificate-key", "00"});
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("cannot use --certificate-key without --print-join-command"), std::string::npos);
  r = kadm({"token", "delete"});
  EXPECT_EQ(r.status, 2) << r.output;
}

TEST(OpsCommandLine, TokenListHelpDocumentsTheRedaction) {
  auto r = kadm({"token", "list", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.output.find("\"<token-id>.<redacted>\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("-o, --output"), std::string::npos) << r.output;
}

TEST(OpsCommandLine, ResetHelpListsItsPhasesAndFlags) {
  auto r = kadm({"reset", "--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* s : {"preflight ", "update-cluster-status ", "remove-etcd-member ", "cleanup-node ", "--cleanup-network",
                        "-f, --force", "--cri-socket", "--cert-dir", "--skip-phases", "--dry-run", "--config"})
    EXPECT_NE(r.output.find(s), std::string::npos) << s << "\n" << r.output;
  EXPECT_EQ(kadm({"reset", "phase", "cleanup-node", "--help"}).status, 0);
}

TEST(OpsCommandLine, InitRunsPreflightFirstAndHasFix) {
  auto r = kadm({"init", "--help"});
  EXPECT_EQ(r.status, 0);
  auto phases = r.output.find("The \"init\" command executes the following phases:\n```\npreflight ");
  EXPECT_NE(phases, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--fix"), std::string::npos);
  r = kadm({"init", "phase", "preflight", "--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* s : {"--fix", "--dry-run", "--ignore-preflight-errors", "--config"})
    EXPECT_NE(r.output.find(s), std::string::npos) << s;
}

}  // namespace
}  // namespace kadm::cli
