#include "images/images.h"

#include <gtest/gtest.h>

#include "api/defaults.h"

namespace kadm::images {
namespace {

api::ClusterConfiguration cluster(const std::string& version, const std::string& repo = "") {
  api::ConfigSet set;
  set.cluster = api::ClusterConfiguration{};
  set.cluster->kubernetes_version = version;
  set.cluster->image_repository = repo;
  api::set_defaults(set);
  return *set.cluster;
}

TEST(Images, V120ListEqualsKubeadm) {
  std::vector<std::string> want = {
      "k8s.gcr.io/kube-apiserver:v1.20.2", "k8s.gcr.io/kube-controller-manager:v1.20.2",
      "k8s.gcr.io/kube-scheduler:v1.20.2", "k8s.gcr.io/kube-proxy:v1.20.2",
      "k8s.gcr.io/pause:3.2",              "k8s.gcr.io/etcd:3.4.13-0",
      "k8s.gcr.io/coredns:1.7.0"};
  EXPECT_EQ(control_plane_images(cluster("v1.20.2")), want);
}

TEST(Images, MirrorKeepsTheFlatCoreDNSPath) {
  std::string mirror = "registry.cn-hangzhou.aliyuncs.com/google_containers";
  EXPECT_EQ(dns_image(cluster("v1.24.17", mirror)), mirror + "/coredns:v1.8.6");
  EXPECT_EQ(dns_image(cluster("v1.24.17")), "registry.k8s.io/coredns/coredns:v1.8.6");
}

TEST(Images, NewestReleasesListDnsBeforePause) {
  auto list = control_plane_images(cluster("v1.32.13"));
  ASSERT_EQ(list.size(), 7u);
  EXPECT_EQ(list[4], "registry.k8s.io/coredns/coredns:v1.11.3");
  EXPECT_EQ(list[5], "registry.k8s.io/pause:3.10");
  EXPECT_EQ(list[6], "registry.k8s.io/etcd:3.5.24-0");
}

TEST(Images, ExternalEtcdAndDisabledAddonsDropTheirImages) {
  auto c = cluster("v1.31.0");
  c.etcd.local.reset();
  c.etcd.external = api::ExternalEtcd{};
  c.dns.disabled = true;
  c.proxy.disabled = true;
  auto list = control_plane_images(c);
  EXPECT_EQ(list.size(), 4u);
}

TEST(Images, EtcdOverridesAndBuildMetadataInTags) {
  auto c = cluster("v1.30.1+custom");
  EXPECT_EQ(kubernetes_image(c, "kube-proxy"), "registry.k8s.io/kube-proxy:v1.30.1_custom");
  c.etcd.local->image_repository = "my.reg";
  c.etcd.local->image_tag = "3.5.99";
  EXPECT_EQ(etcd_image(c), "my.reg/etcd:3.5.99");
}

}  // namespace
}  // namespace kadm::images
