#include "versions/table.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace kadm::versions {
namespace {

TEST(VersionTable, CoversEveryMinorFrom20To36) {
  for (int m = kOldestMinor; m <= kNewestMinor; ++m) {
    const Release* r = find_release(m);
    ASSERT_NE(r, nullptr) << m;
    EXPECT_FALSE(r->etcd_version.empty());
    EXPECT_FALSE(r->pause_version.empty());
    EXPECT_FALSE(r->control_plane_taints.empty());
  }
  EXPECT_EQ(find_release(19), nullptr);
  EXPECT_EQ(find_release(37), nullptr);
}

TEST(VersionTable, LabelsResolveOffline) {
  EXPECT_EQ(resolve_version("stable-1.24").str(), "v1.24.17");
  EXPECT_EQ(resolve_version("stable-1.20").str(), "v1.20.15");
  EXPECT_EQ(resolve_version("stable"), default_kubernetes_version());
  EXPECT_EQ(resolve_version("stable-1"), default_kubernetes_version());
  EXPECT_EQ(resolve_version("1.25.3").str(), "v1.25.3");
  EXPECT_THROW(resolve_version("stable-1.99"), Error);
  EXPECT_THROW(resolve_version("banana"), Error);
  EXPECT_THROW(release_for(*parse_version("v1.19.0")), Error);
}

TEST(VersionTable, SwitchesFlipWhereUpstreamFlippedThem) {
  EXPECT_TRUE(find_release(23)->versioned_kubelet_configmap);
  EXPECT_FALSE(find_release(24)->versioned_kubelet_configmap);
  EXPECT_EQ(find_release(24)->control_plane_taints.size(), 2u);
  EXPECT_EQ(find_release(25)->control_plane_taints,
            std::vector<std::string>{"node-role.kubernetes.io/control-plane"});
  EXPECT_FALSE(find_release(28)->admin_is_cluster_admins);
  EXPECT_TRUE(find_release(29)->admin_is_cluster_admins);
  EXPECT_TRUE(find_release(27)->kubelet_start_before_manifests);
  EXPECT_FALSE(find_release(28)->kubelet_start_before_manifests);
  EXPECT_EQ(find_release(21)->written_schema, api::Schema::V1beta2);
  EXPECT_EQ(find_release(22)->written_schema, api::Schema::V1beta3);
  EXPECT_EQ(find_release(31)->written_schema, api::Schema::V1beta4);
}

TEST(Version, ParsesAndOrders) {
  EXPECT_EQ(parse_version("v1.31.0-rc.1")->pre, "rc.1");
  EXPECT_LT(*parse_version("v1.31.0-rc.1"), *parse_version("v1.31.0"));
  EXPECT_LT(*parse_version("v1.9.9"), *parse_version("v1.10.0"));
  EXPECT_FALSE(parse_version("v01.2.3"));
  EXPECT_FALSE(parse_version("1.2"));
  EXPECT_FALSE(parse_version("v1.2.3-"));
}

}  // namespace
}  // namespace kadm::versions
