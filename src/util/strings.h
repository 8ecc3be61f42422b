// Small string helpers that know nothing about Kubernetes.
#pragma once

#include <regex>
#include <string>

namespace kadm {

// std::regex in libstdc++ recurses per character and overflows the stack on long input, so every
// match against user-controlled text goes through this bound: longer input never matches.
inline bool bounded_match(const std::string& s, const std::regex& re, size_t max_len = 512,
                          std::smatch* m = nullptr) {
  if (s.size() > max_len) return false;
  return m ? std::regex_match(s, *m, re) : std::regex_match(s, re);
}

}  // namespace kadm
