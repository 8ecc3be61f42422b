#include "api/decode.h"

#include <gtest/gtest.h>

#include "api/defaults.h"
#include "api/encode.h"
#include "util/yaml_emit.h"

namespace kadm::api {
namespace {

ConfigSet load(const std::string& text, bool strict = false) {
  return load_config_text(text, "test.yaml", LoadOptions{strict});
}

std::string error_of(const std::string& text, bool strict = false) {
  try {
    load(text, strict);
  } catch (const Error& e) {
    return e.render();
  }
  return "no error";
}

TEST(Decode, V1beta4ReadsExtraArgsAsOrderedListWithDuplicates) {
  auto set = load(R"(apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  extraArgs:
  - name: tls-cipher-suites
    value: b
  - name: audit-log-path
    value: /a
  - name: tls-cipher-suites
    value: a
)");
  const auto& args = set.cluster->api_server.extra_args;
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[0], (Arg{"tls-cipher-suites", "b"}));
  EXPECT_EQ(args[2], (Arg{"tls-cipher-suites", "a"}));
}

TEST(Decode, V1beta3MapArgsBecomeSortedList) {
  auto set = load(R"(apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
controllerManager:
  extraArgs:
    node-monitor-grace-period: 10s
    bind-address: 0.0.0.0
)");
  const auto& args = set.cluster->controller_manager.extra_args;
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[0].name, "bind-address");
  EXPECT_EQ(args[1].name, "node-monitor-grace-period");
}

TEST(Decode, ExtraArgsInTheWrongShapeNameTheVersionAndLine) {
  std::string e = error_of(R"(apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  extraArgs:
    audit-log-path: /a
)");
  EXPECT_NE(e.find("test.yaml:5:5"), std::string::npos) << e;
  EXPECT_NE(e.find("apiServer.extraArgs"), std::string::npos) << e;
  EXPECT_NE(e.find("list of {name, value}"), std::string::npos) << e;
}

TEST(Decode, TaintsNullMeansDefaultAndEmptyListMeansNone) {
  auto with_null = load("apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nnodeRegistration:\n  taints: null\n");
  EXPECT_FALSE(with_null.init->node_registration.taints.has_value());
  auto empty = load("apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\nnodeRegistration:\n  taints: []\n");
  ASSERT_TRUE(empty.init->node_registration.taints.has_value());
  EXPECT_TRUE(empty.init->node_registration.taints->empty());
}

TEST(Decode, SeedGuideFileReadsItsV1alphaFieldsIntoModernPlaces) {
  auto set = load(R"(apiVersion: kubeadm.k8s.io/v1beta1
kind: ClusterConfiguration
kubernetesVersion: v1.13.1
api:
  advertiseAddress: 139.196.91.113
networking:
  podSubnet: 10.68.0.0/16
imageRepository: registry.cn-hangzhou.aliyuncs.com/google_containers
controllerManagerExtraArgs:
  node-monitor-grace-period: "10s"
apiServerExtraArgs:
  runtime-config: "api/all=true"
)");
  ASSERT_TRUE(set.init);
  EXPECT_EQ(set.init->local_api_endpoint.advertise_address, "139.196.91.113");
  EXPECT_EQ(set.cluster->controller_manager.extra_args[0], (Arg{"node-monitor-grace-period", "10s"}));
  EXPECT_EQ(set.cluster->api_server.extra_args[0], (Arg{"runtime-config", "api/all=true"}));
  EXPECT_EQ(set.cluster->networking.pod_subnet, "10.68.0.0/16");
  ASSERT_EQ(set.warnings.size(), 3u);
  EXPECT_NE(set.warnings[0].render().find("test.yaml:"), std::string::npos);
}

TEST(Decode, V1alpha2MasterConfigurationCarriesInitClusterAndComponentConfigs) {
  auto set = load(R"(apiVersion: kubeadm.k8s.io/v1alpha2
kind: MasterConfiguration
api:
  advertiseAddress: 10.0.0.10
  bindPort: 6444
  controlPlaneEndpoint: lb:6443
etcd:
  local:
    image: k8s.gcr.io/etcd:3.2.18
apiServerExtraVolumes:
- name: audit
  hostPath: /var/log/audit
  mountPath: /var/log/audit
  writable: true
kubeProxy:
  config:
    mode: ipvs
kubeletConfiguration:
  baseConfig:
    cgroupDriver: systemd
)");
  EXPECT_EQ(set.init->local_api_endpoint.bind_port, 6444);
  EXPECT_EQ(set.cluster->control_plane_endpoint, "lb:6443");
  EXPECT_EQ(set.cluster->etcd.local->image_repository, "k8s.gcr.io");
  EXPECT_EQ(set.cluster->etcd.local->image_tag, "3.2.18");
  EXPECT_FALSE(set.cluster->api_server.extra_volumes[0].read_only);
  EXPECT_EQ((*set.kube_proxy)["mode"], "ipvs");
  EXPECT_EQ((*set.kubelet)["kind"], "KubeletConfiguration");
}

TEST(Decode, V1alpha3FlatJoinConfigurationBecomesDiscovery) {
  auto set = load(R"(apiVersion: kubeadm.k8s.io/v1alpha3
kind: JoinConfiguration
token: abcdef.0123456789abcdef
discoveryTokenAPIServers:
- 10.0.0.10:6443
discoveryTokenCACertHashes:
- sha256:0000000000000000000000000000000000000000000000000000000000000000
controlPlane: true
apiEndpoint:
  advertiseAddress: 10.0.0.12
)");
  const auto& d = set.join->discovery;
  ASSERT_TRUE(d.bootstrap_token);
  EXPECT_EQ(d.bootstrap_token->token, "abcdef.0123456789abcdef");
  EXPECT_EQ(d.bootstrap_token->api_server_endpoint, "10.0.0.10:6443");
  EXPECT_EQ(d.tls_bootstrap_token, "abcdef.0123456789abcdef");
  ASSERT_TRUE(set.join->control_plane);
  EXPECT_EQ(set.join->control_plane->local_api_endpoint.advertise_address, "10.0.0.12");
}

TEST(Decode, UnknownFieldIsAWarningWithItsLineAndAnErrorWhenStrict) {
  std::string text = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnett: 10.244.0.0/16\n";
  auto set = load(text);
  ASSERT_EQ(set.warnings.size(), 1u);
  EXPECT_NE(set.warnings[0].render().find("test.yaml:4:3"), std::string::npos) << set.warnings[0].render();
  EXPECT_NE(set.warnings[0].render().find("podSubnett"), std::string::npos);
  EXPECT_NE(error_of(text, true).find("unknown field \"podSubnett\""), std::string::npos);
}

TEST(Decode, WrongKindForVersionSaysWhichVersionsHaveIt) {
  std::string e = error_of("apiVersion: kubeadm.k8s.io/v1beta3\nkind: ResetConfiguration\n");
  EXPECT_NE(e.find("no kind \"ResetConfiguration\" is registered for version"), std::string::npos) << e;
  EXPECT_NE(e.find("kubeadm.k8s.io/v1beta4"), std::string::npos) << e;
}

TEST(Decode, DuplicateKindsNameTheFirstDocument) {
  std::string e = error_of(
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n---\n"
      "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n");
  EXPECT_NE(e.find("duplicate ClusterConfiguration"), std::string::npos) << e;
  EXPECT_NE(e.find("document 1"), std::string::npos) << e;
}

TEST(Decode, YamlSyntaxErrorsPointAtTheLine) {
  std::string e = error_of("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: [10.0.0.0/16\n");
  EXPECT_NE(e.find("test.yaml:"), std::string::npos) << e;
  EXPECT_NE(e.find("invalid YAML"), std::string::npos) << e;
}

TEST(Decode, WrongScalarTypeNamesTheField) {
  std::string e = error_of("apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n  bindPort: \"6443\"\n");
  EXPECT_NE(e.find("localAPIEndpoint.bindPort"), std::string::npos) << e;
  EXPECT_NE(e.find("test.yaml:4:13"), std::string::npos) << e;
}

TEST(Decode, DocumentsOfOtherGroupsAreIgnoredWithAWarning) {
  auto set = load("apiVersion: v1\nkind: ConfigMap\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n");
  EXPECT_TRUE(set.cluster);
  ASSERT_EQ(set.warnings.size(), 1u);
  EXPECT_NE(set.warnings[0].message.find("ConfigMap"), std::string::npos);
}

TEST(Encode, V1beta3ReportsWhatV1beta4AloneCanHold) {
  auto set = load(R"(apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
encryptionAlgorithm: RSA-4096
apiServer:
  extraArgs:
  - name: a
    value: "1"
  - name: a
    value: "2"
  extraEnvs:
  - name: HTTP_PROXY
    value: http://proxy
dns:
  disabled: true
)");
  EncodeReport report;
  auto j = encode_cluster(*set.cluster, Schema::V1beta3, &report);
  EXPECT_EQ(j["apiServer"]["extraArgs"]["a"], "2");
  std::string all;
  for (const auto& l : report.lost) all += l + "\n";
  EXPECT_NE(all.find("apiServer.extraArgs[a]"), std::string::npos) << all;
  EXPECT_NE(all.find("apiServer.extraEnvs"), std::string::npos) << all;
  EXPECT_NE(all.find("encryptionAlgorithm"), std::string::npos) << all;
  EXPECT_NE(all.find("dns.disabled"), std::string::npos) << all;
}

TEST(Encode, EcdsaInV1beta3BecomesThePublicKeysECDSAGate) {
  ClusterConfiguration c;
  c.encryption_algorithm = "ECDSA-P256";
  EncodeReport report;
  auto j = encode_cluster(c, Schema::V1beta3, &report);
  EXPECT_EQ(j["featureGates"]["PublicKeysECDSA"], true);
  EXPECT_TRUE(report.lost.empty());
}

TEST(Encode, TimeoutsMoveBetweenV1beta3AndV1beta4Places) {
  auto set = load(R"(apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  timeoutForControlPlane: 7m0s
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
)");
  set_defaults(set);
  EXPECT_EQ(*set.init->timeouts->control_plane_component_health_check, std::chrono::minutes(7));
  auto v4 = encode_init(*set.init, Schema::V1beta4);
  EXPECT_EQ(v4["timeouts"]["controlPlaneComponentHealthCheck"], "7m0s");
  auto v3 = encode_cluster(*set.cluster, Schema::V1beta3, nullptr, &*set.init);
  EXPECT_EQ(v3["apiServer"]["timeoutForControlPlane"], "7m0s");
}

}  // namespace
}  // namespace kadm::api
