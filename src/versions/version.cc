#include "versions/version.h"

#include <cctype>

namespace kadm::versions {

std::string Version::str() const {
  std::string s = "v" + std::to_string(major) + "." + std::to_string(minor) + "." +
                  std::to_string(patch);
  if (!pre.empty()) s += "-" + pre;
  if (!build.empty()) s += "+" + build;
  return s;
}

std::string Version::minor_str() const {
  return "v" + std::to_string(major) + "." + std::to_string(minor);
}

// v?MAJOR.MINOR.PATCH[-pre][+build], numbers without leading zeros. Hand-written: this runs on
// every command and std::regex would cost more than the command itself.
std::optional<Version> parse_version(const std::string& text) {
  size_t i = 0, n = text.size();
  if (n > 128) return std::nullopt;
  if (i < n && text[i] == 'v') ++i;
  int parts[3] = {0, 0, 0};
  for (int p = 0; p < 3; ++p) {
    if (p > 0) {
      if (i >= n || text[i] != '.') return std::nullopt;
      ++i;
    }
    size_t start = i;
    while (i < n && text[i] >= '0' && text[i] <= '9' && i - start < 4) parts[p] = parts[p] * 10 + (text[i++] - '0');
    if (i == start || (i - start > 1 && text[start] == '0')) return std::nullopt;
    if (i < n && text[i] >= '0' && text[i] <= '9') return std::nullopt;  // more than 4 digits
  }
  auto ident = [&](size_t from, size_t to) {
    if (from >= to) return false;
    for (size_t k = from; k < to; ++k) {
      char c = text[k];
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
    }
    return true;
  };
  Version v{parts[0], parts[1], parts[2], "", ""};
  if (i < n && text[i] == '-') {
    size_t start = ++i;
    while (i < n && text[i] != '+') ++i;
    if (!ident(start, i)) return std::nullopt;
    v.pre = text.substr(start, i - start);
  }
  if (i < n && text[i] == '+') {
    if (!ident(i + 1, n)) return std::nullopt;
    v.build = text.substr(i + 1);
    i = n;
  }
  if (i != n) return std::nullopt;
  return v;
}

}  // namespace kadm::versions
