#include "util/net.h"

#include <gtest/gtest.h>

namespace kadm::net {
namespace {

TEST(Net, ServiceVipAndDnsIpAreTheFirstAndTenthAddresses) {
  auto c = parse_cidr("10.96.0.0/12");
  ASSERT_TRUE(c);
  EXPECT_EQ(nth_ip(*c, 1)->str(), "10.96.0.1");
  EXPECT_EQ(nth_ip(*c, 10)->str(), "10.96.0.10");
  auto v6 = parse_cidr("fd00:10:96::/108");
  EXPECT_EQ(nth_ip(*v6, 10)->str(), "fd00:10:96::a");
  EXPECT_FALSE(nth_ip(*parse_cidr("10.0.0.0/30"), 10));
}

TEST(Net, ParseCidrMasksHostBitsAndRejectsGarbage) {
  EXPECT_EQ(parse_cidr("10.96.1.7/12")->str(), "10.96.0.0/12");
  EXPECT_FALSE(parse_cidr("10.96.0.0"));
  EXPECT_FALSE(parse_cidr("10.96.0.0/33"));
  EXPECT_FALSE(parse_cidr("10.96.0.0/012"));
  EXPECT_FALSE(parse_cidr("010.96.0.0/12"));
}

TEST(Net, Overlap) {
  EXPECT_TRUE(overlaps(*parse_cidr("10.96.0.0/12"), *parse_cidr("10.100.0.0/16")));
  EXPECT_FALSE(overlaps(*parse_cidr("10.96.0.0/12"), *parse_cidr("10.244.0.0/16")));
  EXPECT_FALSE(overlaps(*parse_cidr("10.96.0.0/12"), *parse_cidr("fd00::/64")));
}

TEST(Net, HostPort) {
  std::string h;
  int p = 0;
  EXPECT_TRUE(split_host_port("10.0.0.10:6443", &h, &p));
  EXPECT_EQ(h, "10.0.0.10");
  EXPECT_EQ(p, 6443);
  EXPECT_TRUE(split_host_port("[fd00::1]:6443", &h, &p));
  EXPECT_EQ(h, "fd00::1");
  EXPECT_FALSE(split_host_port("fd00::1:6443", &h, &p));
  EXPECT_FALSE(split_host_port("host:99999", &h, &p));
  EXPECT_EQ(join_host_port("fd00::1", 6443), "[fd00::1]:6443");
}

}  // namespace
}  // namespace kadm::net
