#include "util/yaml_emit.h"

#include <gtest/gtest.h>

namespace kadm::yaml {
namespace {

using nlohmann::json;

TEST(YamlEmit, NestedMappingsAndSequencesLikeGoYaml) {
  json j = {{"kind", "InitConfiguration"},
            {"bootstrapTokens",
             json::array({{{"token", "abcdef.0123456789abcdef"},
                           {"groups", {"system:bootstrappers:kubeadm:default-node-token"}},
                           {"usages", {"signing", "authentication"}}}})},
            {"nodeRegistration", {{"taints", nullptr}, {"name", "node"}}},
            {"apiServer", json::object()}};
  EXPECT_EQ(emit(j),
            "apiServer: {}\n"
            "bootstrapTokens:\n"
            "- groups:\n"
            "  - system:bootstrappers:kubeadm:default-node-token\n"
            "  token: abcdef.0123456789abcdef\n"
            "  usages:\n"
            "  - signing\n"
            "  - authentication\n"
            "kind: InitConfiguration\n"
            "nodeRegistration:\n"
            "  name: node\n"
            "  taints: null\n");
}

TEST(YamlEmit, QuotesStringsThatWouldReadAsOtherTypes) {
  json j = {{"a", "true"}, {"b", "6443"}, {"c", ""}, {"d", "1.20"}, {"e", "on"},
            {"f", "v1.20.2"}, {"g", "2030-01-02T15:04:05Z"}, {"h", "10:20"}};
  EXPECT_EQ(emit(j),
            "a: \"true\"\nb: \"6443\"\nc: \"\"\nd: \"1.20\"\ne: \"on\"\nf: v1.20.2\n"
            "g: \"2030-01-02T15:04:05Z\"\nh: \"10:20\"\n");
}

TEST(YamlEmit, SingleQuotesIndicatorsAndLiteralBlocksForMultiline) {
  json j = {{"a", "*"}, {"b", "a: b"}, {"c", "- x"}, {"d", "line1\nline2\n"}, {"e", "it's"}};
  EXPECT_EQ(emit(j), "a: '*'\nb: 'a: b'\nc: '- x'\nd: |\n  line1\n  line2\ne: it's\n");
}

TEST(YamlEmit, FoldsLongPlainStringsAtEightyColumns) {
  std::string words;
  for (int i = 0; i < 20; ++i) words += "word" + std::to_string(i) + " ";
  words += "end";
  std::string out = emit(json{{"description", words}});
  EXPECT_NE(out.find("\n  "), std::string::npos) << out;
  for (size_t start = 0, nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1)
    EXPECT_LE(nl - start, 90u);
}

TEST(YamlEmit, KeyOrderFollowsGoYamlNaturalSort) {
  EXPECT_TRUE(key_less("a2", "a10"));
  EXPECT_TRUE(key_less("apiServer", "apiVersion"));
  EXPECT_TRUE(key_less("a-b", "ab"));
  EXPECT_FALSE(key_less("b", "a"));
}

TEST(YamlEmit, MultipleDocumentsAreSeparated) {
  EXPECT_EQ(emit_documents({json{{"a", 1}}, json{{"b", 2}}}), "a: 1\n---\nb: 2\n");
}

}  // namespace
}  // namespace kadm::yaml
