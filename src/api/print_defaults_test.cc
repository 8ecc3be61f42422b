#include "api/print_defaults.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "util/yaml_emit.h"

namespace kadm::api {
namespace {

std::string golden(const std::string& name) {
  std::ifstream in(std::string(KADM_FIXTURES) + "/config/print/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string print_init(int minor, Schema schema) {
  auto set = print_init_defaults(*versions::find_release(minor), "HOSTNAME");
  return yaml::emit_documents(print_documents(set, schema));
}

TEST(PrintDefaults, InitDefaultsEqualKubeadmV120ByteForByte) {
  EXPECT_EQ(print_init(20, Schema::V1beta2), golden("init-defaults-v1.20.yaml"));
}

TEST(PrintDefaults, JoinDefaultsEqualKubeadmV120ByteForByte) {
  auto set = print_join_defaults(*versions::find_release(20), "HOSTNAME");
  EXPECT_EQ(yaml::emit_documents(print_documents(set, Schema::V1beta2)), golden("join-defaults-v1.20.yaml"));
}

TEST(PrintDefaults, InitDefaultsEqualKubeadmV127InV1beta3) {
  EXPECT_EQ(print_init(27, Schema::V1beta3), golden("init-defaults-v1.27.yaml"));
}

TEST(PrintDefaults, InitDefaultsEqualKubeadmV132InV1beta4) {
  EXPECT_EQ(print_init(32, Schema::V1beta4), golden("init-defaults-v1.32.yaml"));
}

TEST(PrintDefaults, EveryReleaseRoundTripsThroughTheLoader) {
  for (int minor = versions::kOldestMinor; minor <= versions::kNewestMinor; ++minor) {
    for (Schema schema : {Schema::V1beta4, Schema::V1beta3}) {
      std::string first = print_init(minor, schema);
      auto loaded = load_config_text(first, "printed.yaml", LoadOptions{true});
      std::string second = yaml::emit_documents(print_documents(loaded, schema));
      EXPECT_EQ(first, second) << "v1." << minor << " " << schema_name(schema);
    }
  }
}

}  // namespace
}  // namespace kadm::api
