#include "api/bootstrap_token.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace kadm::api {
namespace {

TEST(BootstrapToken, ParsesIdAndSecret) {
  auto t = parse_token("abcdef.0123456789abcdef");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->id, "abcdef");
  EXPECT_EQ(t->secret, "0123456789abcdef");
}

TEST(BootstrapToken, ExplainsWhatIsWrong) {
  std::string why;
  EXPECT_FALSE(parse_token("Abcdef.0123456789abcdef", &why));
  EXPECT_NE(why.find("character 1 is the upper-case letter 'A'"), std::string::npos) << why;
  EXPECT_FALSE(parse_token("abcdef.0123456789abcdef\n", &why));
  EXPECT_NE(why.find("character 24 is a line break"), std::string::npos) << why;
  EXPECT_FALSE(parse_token("abcdef0123456789abcdef", &why));
  EXPECT_NE(why.find("22 characters"), std::string::npos) << why;
  EXPECT_FALSE(parse_token("abcde.0123456789abcdef", &why));
}

TEST(BootstrapToken, GeneratedTokensAreValidAndVaried) {
  std::set<std::string> seen;
  std::map<char, int> counts;
  for (int i = 0; i < 2000; ++i) {
    std::string t = generate_token();
    ASSERT_TRUE(parse_token(t)) << t;
    seen.insert(t);
    for (char c : t)
      if (c != '.') counts[c]++;
  }
  EXPECT_EQ(seen.size(), 2000u);
  // 44000 characters over 36 symbols: each near 1222; a biased mapping would skew the low ones.
  EXPECT_EQ(counts.size(), 36u);
  for (auto& [c, n] : counts) EXPECT_GT(n, 900) << c;
}

TEST(BootstrapToken, GroupsAndUsages) {
  EXPECT_EQ(validate_token_groups({"system:bootstrappers:kubeadm:default-node-token"}), "");
  EXPECT_NE(validate_token_groups({"system:nodes"}), "");
  EXPECT_NE(validate_token_groups({"system:bootstrappers:"}), "");
  EXPECT_NE(validate_token_groups({"system:bootstrappers:x-"}), "");
  EXPECT_EQ(validate_token_usages({"signing", "authentication"}), "");
  EXPECT_NE(validate_token_usages({"signing", "auth"}).find("valid usage options"), std::string::npos);
}

}  // namespace
}  // namespace kadm::api
