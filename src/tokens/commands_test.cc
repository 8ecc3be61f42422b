// token create/list/delete against an in-memory API server: upstream's validation and Secret
// layout, nothing sent for bad input, and no secret half in any listing.
#include <gtest/gtest.h>

#include "addons/fake_client.h"
#include "api/bootstrap_token.h"
#include "kubeconfig/kubeconfig.h"
#include "tokens/commands.h"
#include "util/error.h"

namespace kadm::tokens {
namespace {

std::string error_of(const CreateRequest& r) {
  try {
    token_from_request(r);
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitConfig);
    return e.what();
  }
  return "";
}

TEST(Token, GeneratedWhenNotGivenWithUpstreamDefaults) {
  auto t = token_from_request({});
  EXPECT_TRUE(api::parse_token(t.token));
  EXPECT_EQ(*t.ttl, std::chrono::hours(24));
  EXPECT_EQ(t.usages, (std::vector<std::string>{"signing", "authentication"}));
  EXPECT_EQ(t.groups, std::vector<std::string>{"system:bootstrappers:kubeadm:default-node-token"});
  EXPECT_NE(token_from_request({}).token, t.token);
}

TEST(Token, MalformedTokenIsRejectedWithoutEchoingIt) {
  CreateRequest r;
  r.token = "abcdef.0123456789ABCDEF";
  std::string e = error_of(r);
  EXPECT_NE(e.find("the bootstrap token given as argument is invalid"), std::string::npos) << e;
  EXPECT_EQ(e.find("0123456789ABCDEF"), std::string::npos) << "the secret half must not be printed: " << e;
  r.token = "abcdef0123456789abcdef";
  EXPECT_NE(error_of(r), "");
}

TEST(Token, BadTtlUsagesAndGroups) {
  CreateRequest r;
  r.ttl = -std::chrono::hours(1);
  EXPECT_NE(error_of(r).find("invalid --ttl \"-1h0m0s\""), std::string::npos);
  r = {};
  r.usages = {"signing", "bogus"};
  EXPECT_EQ(error_of(r), "--usages: invalid bootstrap token usage string: bogus, valid usage options: signing,authentication");
  r = {};
  r.groups = {"system:nodes"};
  EXPECT_NE(error_of(r).find("--groups: bootstrap group \"system:nodes\" is invalid"), std::string::npos) << error_of(r);
  r = {};
  r.usages = {"signing"};
  EXPECT_EQ(error_of(r), "token groups cannot be specified unless --usages includes \"authentication\"");
  r.groups.clear();
  EXPECT_EQ(error_of(r), "");
}

TEST(Token, CreateWritesTheSecretTheControllersRead) {
  testing::FakeClient c;
  CreateRequest r;
  r.token = "abcdef.0123456789abcdef";
  r.description = "for node2";
  r.ttl = std::chrono::hours(2);
  auto t = token_from_request(r);
  auto now = Clock::from_time_t(1700000000);
  create_token(c, t, now);
  auto* s = c.find(kube::Ref{"v1", "secrets", "kube-system", "bootstrap-token-abcdef"});
  ASSERT_NE(s, nullptr);
  EXPECT_EQ((*s)["type"], "bootstrap.kubernetes.io/token");
  auto field = [&](const char* k) { return kubeconfig::base64_decode((*s)["data"][k].get<std::string>()).value_or("?"); };
  EXPECT_EQ(field("token-id"), "abcdef");
  EXPECT_EQ(field("token-secret"), "0123456789abcdef");
  EXPECT_EQ(field("description"), "for node2");
  EXPECT_EQ(field("usage-bootstrap-signing"), "true");
  EXPECT_EQ(field("usage-bootstrap-authentication"), "true");
  EXPECT_EQ(field("auth-extra-groups"), "system:bootstrappers:kubeadm:default-node-token");
  EXPECT_EQ(field("expiration"), rfc3339_local(now + std::chrono::hours(2)));
  // A second token with the same id is refused.
  try {
    create_token(c, t, now);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("a token with id \"abcdef\" already exists"), 0u) << e.what();
  }
}

TEST(Token, ZeroTtlNeverExpires) {
  testing::FakeClient c;
  CreateRequest r;
  r.ttl = Duration(0);
  create_token(c, token_from_request(r), Clock::now());
  auto list = list_tokens(c);
  ASSERT_EQ(list.tokens.size(), 1u);
  EXPECT_FALSE(list.tokens[0].expires);
  std::string text = format_text(list.tokens, Clock::now());
  EXPECT_NE(text.find("<forever>"), std::string::npos);
  EXPECT_NE(text.find("<never>"), std::string::npos);
}

TEST(Token, ListingRedactsTheSecretAndSkipsMalformedSecrets) {
  testing::FakeClient c;
  auto now = Clock::from_time_t(1700000000);
  CreateRequest r;
  r.token = "abcdef.0123456789abcdef";
  r.description = "lab token";
  create_token(c, token_from_request(r), now);
  r.token = "zyxwvu.fedcba9876543210";
  r.description = "";
  r.usages = {"signing"};
  r.groups.clear();
  r.ttl = std::chrono::minutes(90);
  create_token(c, token_from_request(r), now);
  c.seed({{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"type", "bootstrap.kubernetes.io/token"},
          {"metadata", {{"name", "bootstrap-token-broken"}, {"namespace", "kube-system"}}},
          {"data", {{"token-id", kubeconfig::base64_encode("broken")}}}});
  auto list = list_tokens(c);
  ASSERT_EQ(list.tokens.size(), 2u);
  ASSERT_EQ(list.malformed.size(), 1u);
  std::string text = format_text(list.tokens, now + std::chrono::seconds(1));
  EXPECT_EQ(text.find("0123456789abcdef"), std::string::npos) << text;
  EXPECT_EQ(text.find("fedcba9876543210"), std::string::npos) << text;
  EXPECT_EQ(text.rfind("TOKEN               TTL         EXPIRES", 0), 0u) << text;
  EXPECT_NE(text.find("\nabcdef.<redacted>   23h         "), std::string::npos) << text;
  EXPECT_NE(text.find("lab token"), std::string::npos);
  EXPECT_NE(text.find("zyxwvu.<redacted>   1h          "), std::string::npos) << text;
  EXPECT_NE(text.find("signing                  <none>"), std::string::npos) << text;
  std::string json = format_json(list.tokens);
  EXPECT_EQ(json.find("0123456789abcdef"), std::string::npos);
  EXPECT_NE(json.find("\"token\": \"abcdef.<redacted>\""), std::string::npos) << json;
  EXPECT_LT(json.find("\"kind\""), json.find("\"token\""));
  std::string yaml = format_yaml(list.tokens);
  EXPECT_EQ(yaml.find("0123456789abcdef"), std::string::npos);
  EXPECT_NE(yaml.find("token: abcdef.<redacted>"), std::string::npos) << yaml;
}

TEST(Token, ShortHumanDurationAsKubectl) {
  using std::chrono::seconds;
  EXPECT_EQ(short_human_duration(seconds(-5)), "<invalid>");
  EXPECT_EQ(short_human_duration(seconds(-1)), "0s");
  EXPECT_EQ(short_human_duration(seconds(59)), "59s");
  EXPECT_EQ(short_human_duration(seconds(3599)), "59m");
  EXPECT_EQ(short_human_duration(seconds(86399)), "23h");
  EXPECT_EQ(short_human_duration(seconds(86400 * 3)), "3d");
  EXPECT_EQ(short_human_duration(seconds(86400 * 800)), "2y");
}

TEST(Token, DeleteTakesIdsOrTokensAndChecksAllFirst) {
  EXPECT_EQ(ids_to_delete({"abcdef", "zyxwvu.fedcba9876543210"}), (std::vector<std::string>{"abcdef", "zyxwvu"}));
  try {
    ids_to_delete({"abcdef", "not-a-token"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("given token didn't match pattern"), std::string::npos);
  }
  EXPECT_THROW(ids_to_delete({}), Error);
  testing::FakeClient c;
  create_token(c, token_from_request({}), Clock::now());
  auto id = list_tokens(c).tokens.at(0).id;
  EXPECT_EQ(delete_token(c, id), "bootstrap token \"" + id + "\" deleted");
  EXPECT_TRUE(list_tokens(c).tokens.empty());
}

}  // namespace
}  // namespace kadm::tokens
