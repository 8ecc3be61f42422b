#include "api/validate.h"

#include <gtest/gtest.h>

#include "api/defaults.h"

namespace kadm::api {
namespace {

std::vector<Error> problems(const std::string& text) {
  auto set = load_config_text(text, "v.yaml");
  auto errors = validate(set);
  set_defaults(set);
  auto more = validate(set);
  errors.insert(errors.end(), more.begin(), more.end());
  return errors;
}

std::string first(const std::string& text) {
  auto e = problems(text);
  return e.empty() ? "valid" : e.front().render();
}

const char* kCluster = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n";

TEST(Validate, DefaultsOfEveryReleaseAreValid) {
  for (int minor = versions::kOldestMinor; minor <= versions::kNewestMinor; ++minor) {
    ConfigSet set;
    set.cluster = ClusterConfiguration{};
    set.cluster->kubernetes_version = "v1." + std::to_string(minor) + ".0";
    set.init = InitConfiguration{};
    set_defaults(set);
    EXPECT_TRUE(validate(set).empty()) << minor;
  }
}

TEST(Validate, OverlappingPodAndServiceSubnetsAreRefused) {
  std::string e = first(std::string(kCluster) + "networking:\n  podSubnet: 10.96.0.0/16\n  serviceSubnet: 10.96.0.0/12\n");
  EXPECT_NE(e.find("overlaps the service subnet"), std::string::npos) << e;
  EXPECT_NE(e.find("v.yaml:4:"), std::string::npos) << e;
}

TEST(Validate, PodSubnetSmallerThanNodeMaskIsRefused) {
  std::string e = first(std::string(kCluster) + "networking:\n  podSubnet: 10.244.0.0/25\n");
  EXPECT_NE(e.find("smaller than the size of node subnet with mask 24"), std::string::npos) << e;
}

TEST(Validate, ServiceSubnetTooLarge) {
  std::string e = first(std::string(kCluster) + "networking:\n  serviceSubnet: 10.0.0.0/8\n");
  EXPECT_NE(e.find("the mask must be >= 12"), std::string::npos) << e;
}

TEST(Validate, UnsupportedKubernetesVersionNamesTheRange) {
  std::string e = first(std::string(kCluster) + "kubernetesVersion: v1.19.16\n");
  EXPECT_NE(e.find("v1.19.16 is not supported"), std::string::npos) << e;
  EXPECT_NE(e.find("v1.20 to v1.36"), std::string::npos) << e;
}

TEST(Validate, FeatureGateUnknownToTheReleaseListsTheKnownOnes) {
  std::string e = first(std::string(kCluster) + "kubernetesVersion: v1.20.2\nfeatureGates:\n  NodeLocalCRISocket: true\n");
  EXPECT_NE(e.find("NodeLocalCRISocket is not a valid feature name"), std::string::npos) << e;
  EXPECT_NE(e.find("PublicKeysECDSA"), std::string::npos) << e;
}

TEST(Validate, MalformedTokenNamesTheCharacter) {
  std::string e = first("apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nbootstrapTokens:\n- token: \"abcdef.0123456789abcde \"\n");
  EXPECT_NE(e.find("character 23 is a space"), std::string::npos) << e;
  EXPECT_NE(e.find("bootstrapTokens[0].token"), std::string::npos) << e;
}

TEST(Validate, JoinWithoutCAPinsAndWithoutUnsafeSkipIsRefused) {
  std::string e = first("apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n    token: abcdef.0123456789abcdef\n    apiServerEndpoint: 10.0.0.10:6443\n");
  EXPECT_NE(e.find("without caCertHashes can be unsafe"), std::string::npos) << e;
}

TEST(Validate, CACertHashFormats) {
  EXPECT_EQ(check_ca_cert_hash("sha256:" + std::string(64, 'a')), "");
  EXPECT_NE(check_ca_cert_hash("sha1:abc").find("unknown hash format"), std::string::npos);
  EXPECT_NE(check_ca_cert_hash("sha256:" + std::string(62, 'a')).find("found 31 bytes"), std::string::npos);
  EXPECT_NE(check_ca_cert_hash("sha256:" + std::string(10, 'a') + " " + std::string(53, 'a')).find("a space"),
            std::string::npos);
}

TEST(Validate, ImageRepositoryForms) {
  EXPECT_EQ(check_image_repository("registry.k8s.io"), "");
  EXPECT_EQ(check_image_repository("registry.cn-hangzhou.aliyuncs.com/google_containers"), "");
  EXPECT_EQ(check_image_repository("localhost:5000/k8s"), "");
  EXPECT_EQ(check_image_repository("my.reg:5000/a/b__c"), "");
  EXPECT_NE(check_image_repository("Registry/UPPER"), "");
  EXPECT_NE(check_image_repository("reg.io/"), "");
  EXPECT_NE(check_image_repository("reg.io:port/x"), "");
}

TEST(Validate, Dns1123) {
  EXPECT_EQ(check_dns1123_subdomain("node-1.example.com"), "");
  EXPECT_NE(check_dns1123_subdomain("Node1"), "");
  EXPECT_NE(check_dns1123_subdomain("-a"), "");
  EXPECT_NE(check_dns1123_subdomain("a..b"), "");
}

TEST(Validate, AllProblemsAreReportedTogether) {
  auto errors = problems(std::string(kCluster) +
                         "networking:\n  serviceSubnet: nonsense\n  dnsDomain: Bad_Domain\ncertificatesDir: relative/pki\n");
  EXPECT_GE(errors.size(), 3u);
}

}  // namespace
}  // namespace kadm::api
