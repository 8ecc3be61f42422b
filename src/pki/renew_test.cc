// Renewal keeps a certificate's identity and SANs, makes a new key, and refuses foreign files.
#include "pki/renew.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "host/fs.h"
#include "pki/testing.h"
#include "util/error.h"

namespace kadm::pki {
namespace {

using namespace std::chrono_literals;

TEST(Renew, KeepsSubjectAndSansWithANewKeyAndValidity) {
  testing::TempDir t;
  KeyPool pool(1);
  auto in = testing::inputs(30);
  in.apiserver_cert_sans = {"api.example.com", "10.0.0.100"};
  CA ca = ensure_ca(*find_cert("ca"), in, t.path, pool);
  ensure_leaf(*find_cert("apiserver"), in, t.path, ca, pool);
  auto before = *read_cert(cert_path(t.path, "apiserver"));
  auto old_key = *read_key(key_path(t.path, "apiserver"));

  auto later = testing::inputs(30);
  later.start = in.start + 48h;
  renew_cert(*find_cert("apiserver"), later, t.path);
  auto after = *read_cert(cert_path(t.path, "apiserver"));
  auto new_key = *read_key(key_path(t.path, "apiserver"));
  EXPECT_EQ(after.common_name(), before.common_name());
  EXPECT_EQ(after.dns_names(), before.dns_names());
  EXPECT_EQ(after.ip_addresses(), before.ip_addresses());
  EXPECT_EQ(after.ext_usages(), before.ext_usages());
  EXPECT_FALSE(new_key.same_public_key(old_key));
  EXPECT_TRUE(new_key.same_public_key(after.public_key()));
  EXPECT_EQ(new_key.algorithm(), old_key.algorithm());
  EXPECT_EQ(after.not_after(), later.start + std::chrono::hours(24 * 365));
  EXPECT_TRUE(after.signed_by(ca.cert));
}

TEST(Renew, MissingCaKeyOrForeignCertificateIsAnError) {
  testing::TempDir t;
  KeyPool pool(1);
  auto in = testing::inputs(29);
  CA ca = ensure_ca(*find_cert("front-proxy-ca"), in, t.path, pool);
  ensure_leaf(*find_cert("front-proxy-client"), in, t.path, ca, pool);
  std::string before = *host::read_file(cert_path(t.path, "front-proxy-client"));
  std::filesystem::remove(key_path(t.path, "front-proxy-ca"));
  try {
    renew_cert(*find_cert("front-proxy-client"), in, t.path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.render().find("front-proxy-ca.key"), std::string::npos) << e.render();
  }
  EXPECT_EQ(*host::read_file(cert_path(t.path, "front-proxy-client")), before);
  EXPECT_THROW(renew_cert(*find_cert("apiserver"), in, t.path), Error)
      << "no apiserver.crt to renew";
}

TEST(Renew, ResidualTimeReadsLikeGoShortHumanDuration) {
  using std::chrono::seconds;
  EXPECT_EQ(short_human_duration(seconds(-5)), "<invalid>");
  EXPECT_EQ(short_human_duration(seconds(-1)), "0s");
  EXPECT_EQ(short_human_duration(seconds(59)), "59s");
  EXPECT_EQ(short_human_duration(seconds(3599)), "59m");
  EXPECT_EQ(short_human_duration(seconds(23 * 3600)), "23h");
  EXPECT_EQ(short_human_duration(seconds(364 * 86400 + 3600)), "364d");
  EXPECT_EQ(short_human_duration(seconds(3650LL * 86400 - 600)), "9y");
}

}  // namespace
}  // namespace kadm::pki
