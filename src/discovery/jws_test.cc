#include "discovery/jws.h"

#include <gtest/gtest.h>

namespace kadm::discovery {
namespace {

// The vectors of reference §6.2 (upstream's cluster-bootstrap tests).
constexpr const char* kContent = "Hello from the other side. I must have called a thousand times.";
constexpr const char* kId = "joshua";
constexpr const char* kSecret = "my voice is my passcode";

TEST(DetachedJWS, MatchesUpstreamVector) {
  EXPECT_EQ(
      detached_jws(kContent, kId, kSecret),
      "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..VShe2taLd-YTrmWuRkcL_8QTNDHYxQIEBsAYYiIj1_8");
}

TEST(DetachedJWS, MatchesUpstreamVectorForEmptyContent) {
  EXPECT_EQ(
      detached_jws("", kId, kSecret),
      "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..7Ui1ALizW4jXphVUB7xUqC9vLYLL9RZeOFfVLoB7Tgk");
}

TEST(DetachedJWS, MatchesUpstreamVectorForEmptySecret) {
  EXPECT_EQ(
      detached_jws(kContent, kId, ""),
      "eyJhbGciOiJIUzI1NiIsImtpZCI6Impvc2h1YSJ9..UfkqvDGiIFxrMnFseDj9LYJOLNrvjW8aHhF71mvvAs8");
}

TEST(DetachedJWS, VerifiesOnlyTheSignedContentUnderTheSameToken) {
  std::string sig = detached_jws(kContent, kId, kSecret);
  EXPECT_TRUE(detached_jws_valid(sig, kContent, kId, kSecret));
  EXPECT_FALSE(detached_jws_valid(sig, std::string(kContent) + " ", kId, kSecret));
  EXPECT_FALSE(detached_jws_valid(sig, kContent, kId, "my voice is my passcodf"));
  EXPECT_FALSE(detached_jws_valid(sig, kContent, "joshub", kSecret));
  EXPECT_FALSE(detached_jws_valid(sig.substr(0, sig.size() - 1), kContent, kId, kSecret));
  EXPECT_FALSE(detached_jws_valid("", kContent, kId, kSecret));
}

}  // namespace
}  // namespace kadm::discovery
