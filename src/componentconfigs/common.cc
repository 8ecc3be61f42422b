#include "componentconfigs/common.h"

#include <fmt/format.h>

#include "util/duration.h"

namespace kadm::componentconfigs {

using nlohmann::json;

std::string go_value(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + go_value(v[i]);
    return out + "]";
  }
  if (v.is_null()) return "<nil>";
  return v.dump();
}

void normalize_duration(json& doc, const char* pointer) {
  json::json_pointer p(pointer);
  if (!doc.contains(p) || !doc[p].is_string()) return;
  if (auto d = parse_duration(doc[p].get<std::string>())) doc[p] = format_duration(*d);
}

void Defaulter::warn(const std::string& field, const std::string& want, const std::string& got) {
  if (warnings)
    warnings->push_back(
        fmt::format("The recommended value for \"{}\" in \"{}\" is: {}; the provided value is: {}",
                    field, kind, want, got));
}

static std::string field_name(const char* pointer) {
  std::string s = pointer + 1;
  for (auto& ch : s)
    if (ch == '/') ch = '.';
  return s;
}

void Defaulter::string(const char* pointer, const std::string& value) {
  json::json_pointer p(pointer);
  if (!doc.contains(p) || doc[p].is_null() || doc[p] == "") {
    doc[p] = value;
  } else if (doc[p] != value) {
    warn(field_name(pointer), value, go_value(doc[p]));
  }
}

void Defaulter::boolean(const char* pointer, bool value) {
  json::json_pointer p(pointer);
  if (!doc.contains(p) || doc[p].is_null()) {
    doc[p] = value;
  } else if (doc[p] != value) {
    warn(field_name(pointer), value ? "true" : "false", go_value(doc[p]));
  }
}

void Defaulter::integer(const char* pointer, long value) {
  json::json_pointer p(pointer);
  if (!doc.contains(p) || doc[p].is_null()) {
    doc[p] = value;
  } else if (doc[p] != value) {
    warn(field_name(pointer), std::to_string(value), go_value(doc[p]));
  }
}

void Defaulter::zero(const char* pointer, const json& value) {
  json::json_pointer p(pointer);
  if (!doc.contains(p)) doc[p] = value;
}

}  // namespace kadm::componentconfigs
