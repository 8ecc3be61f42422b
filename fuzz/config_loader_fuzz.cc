// libFuzzer target: the configuration loader end to end (parse, decode any version, default,
// validate, encode every output version). Any input may be rejected with kadm::Error; nothing
// may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/decode.h"
#include "api/defaults.h"
#include "api/encode.h"
#include "api/validate.h"
#include "util/error.h"
#include "util/yaml_emit.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    kadm::api::LoadOptions opts;
    opts.strict = size % 2 == 0;
    auto set = kadm::api::load_config_text(text, "fuzz.yaml", opts);
    (void)kadm::api::validate(set);
    kadm::api::set_defaults(set);
    (void)kadm::api::validate(set);
    for (auto schema : {kadm::api::Schema::V1beta4, kadm::api::Schema::V1beta3, kadm::api::Schema::V1beta2}) {
      kadm::api::EncodeReport report;
      auto docs = kadm::api::encode_set(set, schema, &report);
      (void)kadm::yaml::emit_documents(docs);
    }
  } catch (const kadm::Error&) {
  }
  return 0;
}
