// Small string helpers that know nothing about Kubernetes.
#pragma once

#include <regex>
#include <string>
#include <vector>

namespace kadm {

// The lines of `text` without their '\n' (a final newline adds no empty line).
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// std::regex in libstdc++ recurses per character and overflows the stack on long input, so every
// match against user-controlled text goes through this bound: longer input never matches.
inline bool bounded_match(const std::string& s, const std::regex& re, size_t max_len = 512,
                          std::smatch* m = nullptr) {
  if (s.size() > max_len) return false;
  return m ? std::regex_match(s, *m, re) : std::regex_match(s, re);
}

}  // namespace kadm
