#include "patches/patches.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace kadm::patches {
namespace {

using nlohmann::json;

json pod() {
  return json::parse(R"({
    "spec": {"containers": [
      {"name": "kube-apiserver", "command": ["kube-apiserver", "--a=1"],
       "env": [{"name": "A", "value": "1"}],
       "volumeMounts": [{"name": "k8s-certs", "mountPath": "/etc/kubernetes/pki", "readOnly": true}],
       "resources": {"requests": {"cpu": "250m"}}},
      {"name": "sidecar", "image": "x"}],
     "volumes": [{"name": "k8s-certs", "hostPath": {"path": "/etc/kubernetes/pki"}}]}})");
}

TEST(Patches, StrategicMergeMatchesContainersByNameAndReplacesPrimitiveLists) {
  json patch = json::parse(R"({"spec": {"containers": [
      {"name": "kube-apiserver", "command": ["kube-apiserver", "--b=2"],
       "env": [{"name": "B", "value": "2"}, {"name": "A", "value": "3"}],
       "resources": {"requests": {"cpu": "500m"}}}]}})");
  json out = strategic_merge(pod(), patch, Schema::Pod);
  const auto& c = out["spec"]["containers"];
  ASSERT_EQ(c.size(), 2u);  // the sidecar survives
  EXPECT_EQ(c[0]["command"], json::array({"kube-apiserver", "--b=2"}));
  EXPECT_EQ(c[0]["env"], json::parse(R"([{"name":"A","value":"3"},{"name":"B","value":"2"}])"));
  EXPECT_EQ(c[0]["resources"]["requests"]["cpu"], "500m");
  EXPECT_EQ(c[0]["volumeMounts"].size(), 1u);
  EXPECT_EQ(c[1]["image"], "x");
}

TEST(Patches, StrategicMergeKeysVolumeMountsByMountPathAndHonoursDelete) {
  json patch = json::parse(R"({"spec": {
      "containers": [{"name": "kube-apiserver", "volumeMounts": [
          {"name": "other-name", "mountPath": "/etc/kubernetes/pki", "readOnly": false},
          {"name": "logs", "mountPath": "/var/log"}]},
        {"name": "sidecar", "$patch": "delete"}],
      "volumes": [{"name": "logs", "hostPath": {"path": "/var/log"}}],
      "hostNetwork": null}})");
  json out = strategic_merge(pod(), patch, Schema::Pod);
  const auto& c = out["spec"]["containers"];
  ASSERT_EQ(c.size(), 1u);
  ASSERT_EQ(c[0]["volumeMounts"].size(), 2u);
  EXPECT_EQ(c[0]["volumeMounts"][0]["name"], "other-name");
  EXPECT_EQ(c[0]["volumeMounts"][0]["readOnly"], false);
  EXPECT_EQ(out["spec"]["volumes"].size(), 2u);
}

TEST(Patches, FileNamesPickTargetSuffixAndTypeInOrder) {
  auto set = parse("/p",
                   {{"kube-apiserver0.yaml", "spec: {hostPID: true}\n"},
                    {"kube-apiserver+json.yaml", "- {op: add, path: /spec/hostIPC, value: true}\n"},
                    {"etcd+merge.json", R"({"metadata":{"labels":{"x":"y"}}})"},
                    {"README.md", "notes"},
                    {"coredns.yaml", "a: b\n"}},
                   known_targets(20));
  ASSERT_EQ(set.patches.size(), 3u);
  EXPECT_EQ(set.found, (std::vector<std::string>{"etcd+merge.json", "kube-apiserver+json.yaml",
                                                 "kube-apiserver0.yaml"}));
  EXPECT_EQ(set.ignored, (std::vector<std::string>{"README.md", "coredns.yaml"}));
  std::vector<std::string> applied;
  json out = apply(set, "kube-apiserver", pod(), Schema::Pod, &applied);
  EXPECT_EQ(out["spec"]["hostPID"], true);
  EXPECT_EQ(out["spec"]["hostIPC"], true);
  EXPECT_EQ(applied.front(),
            "[patches] Applied patch of type \"application/json-patch+json\" to target "
            "\"kube-apiserver\"");
  json e = apply(set, "etcd", json::object(), Schema::Pod, nullptr);
  EXPECT_EQ(e["metadata"]["labels"]["x"], "y");
}

TEST(Patches, KubeletConfigurationTargetArrivesInV1_25) {
  auto set20 = parse("/p", {{"kubeletconfiguration.yaml", "maxPods: 10\n"}}, known_targets(20));
  EXPECT_TRUE(set20.patches.empty());
  auto set25 = parse("/p", {{"kubeletconfiguration.yaml", "maxPods: 10\n"}}, known_targets(25));
  json k = apply(set25, "kubeletconfiguration", json{{"clusterDNS", {"10.96.0.10"}}}, Schema::None,
                 nullptr);
  EXPECT_EQ(k["maxPods"], 10);
}

std::string error_of(const std::vector<std::pair<std::string, std::string>>& files) {
  try {
    auto set = parse("/p", files, known_targets(30));
    apply(set, "kube-apiserver", pod(), Schema::Pod, nullptr);
  } catch (const Error& e) {
    return e.render();
  }
  return "";
}

TEST(Patches, BadPatchFilesAreRejectedNamingTheFile) {
  EXPECT_NE(error_of({{"kube-apiserver+yolo.yaml", "a: b\n"}}).find("/p/kube-apiserver+yolo.yaml"),
            std::string::npos);
  EXPECT_NE(error_of({{"kube-apiserver.yaml", "spec: [unclosed\n"}}).find("/p/kube-apiserver.yaml"),
            std::string::npos);
  EXPECT_NE(error_of({{"kube-apiserver.json", "{not json"}}).find("invalid JSON"),
            std::string::npos);
  EXPECT_NE(error_of({{"kube-apiserver+json.yaml", "op: add\n"}}).find("list of operations"),
            std::string::npos);
  std::string bad_op =
      error_of({{"kube-apiserver+json.json", R"([{"op":"remove","path":"/nope/x"}])"}});
  EXPECT_NE(bad_op.find("/p/kube-apiserver+json.json"), std::string::npos) << bad_op;
  EXPECT_NE(bad_op.find("could not apply"), std::string::npos) << bad_op;
  EXPECT_NE(error_of({{"kube-apiserver.yaml", "- a\n"}}).find("must be a mapping"),
            std::string::npos);
}

}  // namespace
}  // namespace kadm::patches
