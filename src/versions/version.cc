#include "versions/version.h"

#include <regex>

namespace kadm::versions {

std::string Version::str() const {
  std::string s = "v" + std::to_string(major) + "." + std::to_string(minor) + "." +
                  std::to_string(patch);
  if (!pre.empty()) s += "-" + pre;
  return s;
}

std::string Version::minor_str() const {
  return "v" + std::to_string(major) + "." + std::to_string(minor);
}

std::optional<Version> parse_version(const std::string& text) {
  static const std::regex re(R"(^v?(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})\.(0|[1-9][0-9]{0,3})(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  Version v;
  v.major = std::stoi(m[1]);
  v.minor = std::stoi(m[2]);
  v.patch = std::stoi(m[3]);
  v.pre = m[4];
  return v;
}

}  // namespace kadm::versions
