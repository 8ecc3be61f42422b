#include "util/duration.h"

#include <cmath>
#include <limits>

namespace kadm {
namespace {

std::optional<int64_t> unit_nanos(const std::string& unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1000;
  if (unit == "ms") return 1000000;
  if (unit == "s") return 1000000000LL;
  if (unit == "m") return 60LL * 1000000000LL;
  if (unit == "h") return 3600LL * 1000000000LL;
  return std::nullopt;
}

// Writes v's decimal digits with a fractional part of `prec` digits, trimming trailing zeros
// (and the dot), as Go's fmtFrac + fmtInt do.
std::string frac(uint64_t v, int prec, uint64_t* rest) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    int digit = static_cast<int>(v % 10);
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  if (print) digits.insert(digits.begin(), '.');
  *rest = v;
  return digits;
}

}  // namespace

std::optional<Duration> parse_duration(const std::string& text) {
  std::string s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.erase(0, 1);
  }
  if (s == "0") return Duration(0);
  if (s.empty()) return std::nullopt;
  long double total = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    size_t int_end = i;
    size_t frac_start = i, frac_end = i;
    if (i < s.size() && s[i] == '.') {
      ++i;
      frac_start = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      frac_end = i;
    }
    if (int_end == start && frac_end == frac_start) return std::nullopt;  // no digits
    size_t unit_start = i;
    while (i < s.size() && s[i] != '.' && !std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    auto unit = unit_nanos(s.substr(unit_start, i - unit_start));
    if (!unit) return std::nullopt;  // missing or unknown unit
    long double value = 0;
    for (size_t k = start; k < int_end; ++k) value = value * 10 + (s[k] - '0');
    long double scale = 0.1L;
    for (size_t k = frac_start; k < frac_end; ++k, scale /= 10) value += (s[k] - '0') * scale;
    total += value * static_cast<long double>(*unit);
    if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  }
  auto ns = static_cast<int64_t>(std::llround(total));
  return Duration(neg ? -ns : ns);
}

std::string format_duration(Duration d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  bool neg = ns < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  std::string out;
  if (u < 1000000000ULL) {
    // Sub-second: the largest unit that keeps the integer part non-zero.
    int prec;
    std::string unit;
    if (u < 1000ULL) {
      prec = 0;
      unit = "ns";
    } else if (u < 1000000ULL) {
      prec = 3;
      unit = "\xC2\xB5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    uint64_t rest;
    std::string f = frac(u, prec, &rest);
    out = std::to_string(rest) + f + unit;
  } else {
    uint64_t rest;
    std::string f = frac(u, 9, &rest);  // seconds with fraction
    out = std::to_string(rest % 60) + f + "s";
    rest /= 60;
    if (rest > 0) {
      out = std::to_string(rest % 60) + "m" + out;
      rest /= 60;
      if (rest > 0) out = std::to_string(rest) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

}  // namespace kadm
