#include "util/duration.h"

#include <gtest/gtest.h>

namespace kadm {
namespace {

TEST(Duration, ParsesGoSyntax) {
  EXPECT_EQ(parse_duration("24h0m0s"), std::chrono::hours(24));
  EXPECT_EQ(parse_duration("1.5h"), std::chrono::minutes(90));
  EXPECT_EQ(parse_duration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(parse_duration("0"), Duration(0));
  EXPECT_EQ(parse_duration("-1m"), std::chrono::minutes(-1));
}

TEST(Duration, RejectsMissingUnitsAndGarbage) {
  EXPECT_FALSE(parse_duration("10"));
  EXPECT_FALSE(parse_duration("h"));
  EXPECT_FALSE(parse_duration("5 m"));
  EXPECT_FALSE(parse_duration("1d"));
  EXPECT_FALSE(parse_duration(""));
}

TEST(Duration, FormatsLikeGo) {
  EXPECT_EQ(format_duration(std::chrono::hours(24)), "24h0m0s");
  EXPECT_EQ(format_duration(std::chrono::minutes(4)), "4m0s");
  EXPECT_EQ(format_duration(std::chrono::seconds(40)), "40s");
  EXPECT_EQ(format_duration(std::chrono::milliseconds(500)), "500ms");
  EXPECT_EQ(format_duration(std::chrono::milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_duration(Duration(0)), "0s");
  EXPECT_EQ(format_duration(std::chrono::hours(87600)), "87600h0m0s");
}

}  // namespace
}  // namespace kadm
