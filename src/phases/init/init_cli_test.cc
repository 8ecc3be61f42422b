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

// Where the dry run of `version` prints the first line of kubelet-start, control-plane and etcd.
struct Order {
  size_t kubelet, control_plane, etcd;
};
Order manifest_order(const std::string& version) {
  std::string out = dry_run(version);
  Order o{at(out, "[kubelet-start] Writing kubelet environment file"),
          at(out, "[control-plane] Using manifest folder"),
          at(out, "[etcd] Creating static Pod manifest for local etcd")};
  EXPECT_NE(o.kubelet, std::string::npos) << out;
  EXPECT_NE(o.control_plane, std::string::npos) << out;
  EXPECT_NE(o.etcd, std::string::npos) << out;
  return o;
}

TEST(InitDryRun, UpToV127TheKubeletStartsBeforeTheControlPlaneThenEtcd) {
  Order o = manifest_order("v1.22.0");
  EXPECT_LT(o.kubelet, o.control_plane);
  EXPECT_LT(o.control_plane, o.etcd);
}

TEST(InitDryRun, FromV128EtcdThenTheControlPlaneThenTheKubelet) {
  Order o = manifest_order("v1.30.0");
  EXPECT_LT(o.etcd, o.control_plane);
  EXPECT_LT(o.control_plane, o.kubelet);
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
