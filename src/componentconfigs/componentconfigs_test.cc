#include <gtest/gtest.h>

#include "api/defaults.h"
#include "componentconfigs/kube_proxy.h"
#include "componentconfigs/kubelet.h"
#include "componentconfigs/kubelet_flags.h"
#include "util/yaml_emit.h"

namespace kadm::componentconfigs {
namespace {

using nlohmann::json;

api::ClusterConfiguration cluster(const std::string& v) {
  api::ClusterConfiguration c;
  c.kubernetes_version = v;
  api::set_defaults(c);
  return c;
}
const versions::Release& rel(int minor) {
  return *versions::find_release(minor);
}

TEST(KubeletConfig, V1_20MatchesUpstreamKubeadm) {
  // What kubeadm v1.20.2 writes to /var/lib/kubelet/config.yaml on a host without
  // systemd-resolved (tests/compare_manifests_test.sh compares the whole file).
  auto k = kubelet_config(std::nullopt, cluster("v1.20.2"), rel(20), {}, nullptr);
  std::string y = yaml::emit(k);
  EXPECT_NE(y.find("clusterDNS:\n- 10.96.0.10\n"), std::string::npos);
  EXPECT_NE(y.find("logging: {}\n"), std::string::npos);
  EXPECT_EQ(y.find("cgroupDriver"), std::string::npos);
  EXPECT_EQ(y.find("memorySwap"), std::string::npos);
}

TEST(KubeletConfig, FieldsArriveWithTheirReleases) {
  auto k30 = kubelet_config(std::nullopt, cluster("v1.30.14"), rel(30), {true, ""}, nullptr);
  EXPECT_EQ(k30["cgroupDriver"], "systemd");
  EXPECT_EQ(k30["resolvConf"], "/run/systemd/resolve/resolv.conf");
  EXPECT_EQ(k30["containerRuntimeEndpoint"], "");
  EXPECT_EQ(k30["imageMaximumGCAge"], "0s");
  EXPECT_EQ(k30["logging"]["options"]["text"]["infoBufferSize"], "0");
  EXPECT_FALSE(k30.contains("crashLoopBackOff"));
  auto k32 = kubelet_config(std::nullopt, cluster("v1.32.13"), rel(32), {}, nullptr);
  EXPECT_EQ(k32["crashLoopBackOff"], json::object());
}

TEST(KubeletConfig, UserValuesStayAndDifferencesAreWarned) {
  auto c = cluster("v1.28.15");
  c.networking.service_subnet = "10.100.0.0/16";
  json user{{"clusterDNS", {"10.100.0.53"}},
            {"maxPods", 50},
            {"cgroupDriver", "cgroupfs"},
            {"syncFrequency", "1m"}};
  std::vector<std::string> warnings;
  auto k = kubelet_config(user, c, rel(28), {}, &warnings);
  EXPECT_EQ(k["clusterDNS"], json::array({"10.100.0.53"}));
  EXPECT_EQ(k["maxPods"], 50);
  EXPECT_EQ(k["cgroupDriver"], "cgroupfs");
  EXPECT_EQ(k["syncFrequency"], "1m0s");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "The recommended value for \"clusterDNS\" in \"KubeletConfiguration\" is: "
            "[10.100.0.10]; the provided value is: [10.100.0.53]");
}

TEST(KubeletFlags, PerReleaseRuntimeFlags) {
  api::NodeRegistrationOptions n;
  n.name = "node1";
  n.cri_socket = "/var/run/dockershim.sock";
  KubeletFlagsInput in{&n, "k8s.gcr.io/pause:3.2", "node1", false};
  EXPECT_EQ(kubelet_flags_env(in, rel(20)),
            "KUBELET_KUBEADM_ARGS=\"--network-plugin=cni "
            "--pod-infra-container-image=k8s.gcr.io/pause:3.2\"\n");
  n.cri_socket = "/run/containerd/containerd.sock";
  EXPECT_EQ(kubelet_flags_env(in, rel(20)),
            "KUBELET_KUBEADM_ARGS=\"--container-runtime=remote "
            "--container-runtime-endpoint=/run/containerd/containerd.sock\"\n");
  n.cri_socket = "unix:///var/run/containerd/containerd.sock";
  in.pause_image = "registry.k8s.io/pause:3.9";
  in.hostname = "vm";
  EXPECT_EQ(kubelet_flags_env(in, rel(27)),
            "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/"
            "containerd.sock "
            "--hostname-override=node1 --pod-infra-container-image=registry.k8s.io/pause:3.9\"\n");
  n.kubelet_extra_args = {{"node-ip", "10.0.0.1"}, {"hostname-override", "vm"}};
  EXPECT_EQ(kubelet_flags_env(in, rel(36)),
            "KUBELET_KUBEADM_ARGS=\"--hostname-override=vm --node-ip=10.0.0.1\"\n");
}

TEST(KubeProxyConfig, DefaultsFromTheClusterConfiguration) {
  auto c = cluster("v1.20.2");
  c.networking.pod_subnet = "10.244.0.0/16";
  auto k = kube_proxy_config(std::nullopt, c, "fd00::1", rel(20), nullptr);
  EXPECT_EQ(k["bindAddress"], "::");
  EXPECT_EQ(k["clusterCIDR"], "10.244.0.0/16");
  EXPECT_EQ(k["clientConnection"]["kubeconfig"], "/var/lib/kube-proxy/kubeconfig.conf");
  EXPECT_TRUE(k["conntrack"]["maxPerCore"].is_null());
}

}  // namespace
}  // namespace kadm::componentconfigs
