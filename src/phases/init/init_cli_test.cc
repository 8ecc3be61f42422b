// `kadm init --dry-run` as an operator reads it: the phases' lines in each release's order and
// wording, as upstream's kubeadm of that release prints them. Runs the real binary.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/testing.h"

namespace {

std::string dry_run(const std::string& version) {
  auto r = ::kadm::cli::testing::run_kadm({"init", "--dry-run", "--kubernetes-version", version,
                                           "--skip-phases", "preflight",
                                           "--apiserver-advertise-address", "10.0.0.5",
                                           "--node-name", "n1"});
  EXPECT_EQ(r.code, 0) << r.err;
  return r.out;
}

// Where each line first appears; npos when it does not.
size_t at(const std::string& out, const std::string& line) { return out.find("\n" + line); }

TEST(InitDryRun, UpToV127TheKubeletStartsBeforeTheControlPlaneThenEtcd) {
  std::string out = dry_run("v1.22.0");
  size_t kubelet = at(out, "[kubelet-start] Writing kubelet environment file");
  size_t control_plane = at(out, "[control-plane] Using manifest folder");
  size_t etcd = at(out, "[etcd] Creating static Pod manifest for local etcd");
  ASSERT_NE(etcd, std::string::npos) << out;
  EXPECT_LT(kubelet, control_plane) << out;
  EXPECT_LT(control_plane, etcd) << out;
}

TEST(InitDryRun, FromV128EtcdThenTheControlPlaneThenTheKubelet) {
  std::string out = dry_run("v1.30.0");
  size_t kubelet = at(out, "[kubelet-start] Writing kubelet environment file");
  size_t control_plane = at(out, "[control-plane] Using manifest folder");
  size_t etcd = at(out, "[etcd] Creating static Pod manifest for local etcd");
  ASSERT_NE(kubelet, std::string::npos) << out;
  EXPECT_LT(etcd, control_plane) << out;
  EXPECT_LT(control_plane, kubelet) << out;
}

TEST(InitDryRun, MarkControlPlaneNamesTheLabelsInTheReleasesWords) {
  const std::string prefix = "[mark-control-plane] Marking the node n1 as control-plane by adding the labels";
  EXPECT_NE(at(dry_run("v1.20.2"), prefix + " \"node-role.kubernetes.io/master=''\" and "
                                             "\"node-role.kubernetes.io/control-plane='' (deprecated)\"\n"),
            std::string::npos);
  EXPECT_NE(at(dry_run("v1.22.0"), prefix + ": [node-role.kubernetes.io/master(deprecated) "
                                             "node-role.kubernetes.io/control-plane "
                                             "node.kubernetes.io/exclude-from-external-load-balancers]\n"),
            std::string::npos);
  EXPECT_NE(at(dry_run("v1.30.0"), prefix + ": [node-role.kubernetes.io/control-plane "
                                             "node.kubernetes.io/exclude-from-external-load-balancers]\n"),
            std::string::npos);
}

// Upstream logs the CRI socket annotation at --v=1 only.
TEST(InitDryRun, TheCriSocketPatchIsNotAProgressLine) {
  EXPECT_EQ(dry_run("v1.22.0").find("[patchnode]"), std::string::npos);
}

}  // namespace
