// Helpers shared by the component-config defaulters: set a field when the user left it unset,
// warn as upstream does when the user's value differs from kubeadm's.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kadm::componentconfigs {

// A value as Go's %v prints it ([a b] for lists, plain strings, true/false).
std::string go_value(const nlohmann::json& v);

// Rewrites a duration string at `pointer` in Go's canonical form ("1m" → "1m0s"), if present.
void normalize_duration(nlohmann::json& doc, const char* pointer);

struct Defaulter {
  nlohmann::json& doc;
  std::string kind;
  std::vector<std::string>* warnings;

  // upstream warnDefaultComponentConfigValue.
  void warn(const std::string& field, const std::string& want, const std::string& got);
  // Set when missing or the zero value; warn when set to something else.
  void string(const char* pointer, const std::string& value);
  void boolean(const char* pointer, bool value);
  void integer(const char* pointer, long value);
  // Set only when missing (the marshaller's zero value).
  void zero(const char* pointer, const nlohmann::json& value);
};

}  // namespace kadm::componentconfigs
