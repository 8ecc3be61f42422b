#include "util/yaml_emit.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>

namespace kadm::yaml {
namespace {

using nlohmann::json;
constexpr int kIndent = 2;
constexpr int kBestWidth = 80;  // go-yaml v2 folds plain scalars past this column

bool is_letter(unsigned char c) { return std::isalpha(c) || c >= 0x80; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

bool parses_as_int(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  if (s.empty()) return false;
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (i >= s.size()) return false;
  int base = 10;
  if (s.size() > i + 1 && s[i] == '0') {
    char p = s[i + 1];
    if (p == 'x' || p == 'X') base = 16, i += 2;
    else if (p == 'o' || p == 'O') base = 8, i += 2;
    else if (p == 'b' || p == 'B') base = 2, i += 2;
    else base = 8, i += 1;  // Go's ParseInt(s, 0, 64): a leading 0 means octal
  }
  if (i >= s.size()) return base == 8;  // "0" itself
  for (; i < s.size(); ++i) {
    int d = is_digit(s[i]) ? s[i] - '0' : std::isalpha((unsigned char)s[i]) ? std::tolower(s[i]) - 'a' + 10 : 99;
    if (d >= base) return false;
  }
  return true;
}

// Hand-written matchers: std::regex construction alone would cost more than the whole command.
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool parses_as_float(const std::string& s) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < n && is_digit(s[i])) ++i, ++int_digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

// [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?
bool is_base60_float(const std::string& s) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  if (i >= n || !is_digit(s[i])) return false;
  while (i < n && (is_digit(s[i]) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < n && s[i] == ':') {
    ++i;
    size_t d = 0;
    while (i < n && is_digit(s[i]) && d < 2) ++i, ++d;
    if (d == 0 || (d == 2 && s[i - 2] > '5')) return false;
    ++groups;
  }
  if (groups == 0) return false;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && (is_digit(s[i]) || s[i] == '_')) ++i;
  }
  return i == n;
}

// YYYY-M-D, optionally followed by [Tt ]h:m:s[.frac][Z|±hh:mm] (go-yaml's timestamp forms).
bool is_timestamp(const std::string& s) {
  size_t i = 0, n = s.size();
  auto digits = [&](size_t min, size_t max) {
    size_t d = 0;
    while (i < n && is_digit(s[i]) && d < max) ++i, ++d;
    return d >= min;
  };
  if (!digits(4, 4) || i >= n || s[i++] != '-' || !digits(1, 2) || i >= n || s[i++] != '-' ||
      !digits(1, 2))
    return false;
  if (i == n) return true;
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return false;
  ++i;
  if (!digits(1, 2) || i >= n || s[i++] != ':' || !digits(1, 2) || i >= n || s[i++] != ':' ||
      !digits(1, 2))
    return false;
  if (i < n && s[i] == '.') {
    ++i;
    digits(0, 64);
  }
  if (i < n && s[i] == 'Z') ++i;
  else if (i < n && (s[i] == '+' || s[i] == '-')) {
    ++i;
    if (!digits(2, 2) || i >= n || s[i++] != ':' || !digits(2, 2)) return false;
  }
  return i == n;
}

struct ScalarAnalysis {
  bool multiline = false;
  bool block_plain_allowed = true;
  bool flow_plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = true;
};

// A port of the facts in libyaml's yaml_emitter_analyze_scalar (which go-yaml v2 embeds).
ScalarAnalysis analyze(std::string_view s) {
  ScalarAnalysis a;
  if (s.empty()) {
    a.block_plain_allowed = a.flow_plain_allowed = a.block_allowed = false;
    return a;
  }
  bool block_ind = false, flow_ind = false, line_breaks = false, special = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false, prev_space = false, prev_break = false;
  if (s.starts_with("---") || s.starts_with("...")) block_ind = flow_ind = true;
  bool preceded_by_ws = true;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    bool followed_by_ws = i + 1 >= s.size() || s[i + 1] == ' ' || s[i + 1] == '\t' ||
                          s[i + 1] == '\n' || s[i + 1] == '\r';
    if (i == 0) {
      switch (c) {
        case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
        case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
          flow_ind = block_ind = true;
          break;
        case '?': case ':':
          flow_ind = true;
          if (followed_by_ws) block_ind = true;
          break;
        case '-':
          if (followed_by_ws) flow_ind = block_ind = true;
          break;
      }
    } else {
      switch (c) {
        case ',': case '?': case '[': case ']': case '{': case '}':
          flow_ind = true;
          break;
        case ':':
          flow_ind = true;
          if (followed_by_ws) block_ind = true;
          break;
        case '#':
          if (preceded_by_ws) flow_ind = block_ind = true;
          break;
      }
    }
    bool printable = c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f);
    if (!printable) special = true;
    if (c == '\n' || c == '\r') line_breaks = true;
    if (c == ' ') {
      if (i == 0) leading_space = true;
      if (i + 1 == s.size()) trailing_space = true;
      if (prev_break) break_space = true;
      prev_space = true;
      prev_break = false;
    } else if (c == '\n' || c == '\r') {
      if (i == 0) leading_break = true;
      if (i + 1 == s.size()) trailing_break = true;
      if (prev_space) space_break = true;
      prev_break = true;
      prev_space = false;
    } else {
      prev_space = prev_break = false;
    }
    preceded_by_ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break)
    a.flow_plain_allowed = a.block_plain_allowed = false;
  if (trailing_space) a.block_allowed = false;
  if (break_space) a.flow_plain_allowed = a.block_plain_allowed = a.single_quoted_allowed = false;
  if (space_break || special)
    a.flow_plain_allowed = a.block_plain_allowed = a.single_quoted_allowed = a.block_allowed = false;
  if (line_breaks) a.flow_plain_allowed = a.block_plain_allowed = false;
  if (flow_ind) a.flow_plain_allowed = false;
  if (block_ind) a.block_plain_allowed = false;
  return a;
}

class Emitter {
 public:
  std::string out;

  void node(const json& v, int indent) {
    // Called with the cursor right after "key:" or "- " or at the start of the document.
    switch (v.type()) {
      case json::value_t::object:
        if (v.empty()) return inline_text("{}");
        mapping(v, indent);
        return;
      case json::value_t::array:
        if (v.empty()) return inline_text("[]");
        sequence(v, indent);
        return;
      default:
        inline_scalar(v, indent, /*simple_key=*/false);
    }
  }

  void mapping(const json& obj, int indent) {
    std::vector<const std::string*> keys;
    for (auto it = obj.begin(); it != obj.end(); ++it) keys.push_back(&it.key());
    std::sort(keys.begin(), keys.end(), [](auto* a, auto* b) { return key_less(*a, *b); });
    bool first = true;
    for (const std::string* key : keys) {
      if (!(first && at_inline_start_)) new_line(indent);
      first = false;
      at_inline_start_ = false;
      scalar_string(*key, indent, /*simple_key=*/true);
      out += ':';
      const json& child = obj.at(*key);
      if (child.is_object() && !child.empty()) {
        mapping_child(child, indent + kIndent);
      } else if (child.is_array() && !child.empty()) {
        // go-yaml v2 puts a block sequence at its parent key's indentation.
        sequence_child(child, indent);
      } else {
        out += ' ';
        node(child, indent + kIndent);
      }
    }
  }

  void sequence(const json& arr, int indent) {
    bool first = true;
    for (const json& item : arr) {
      if (!(first && at_inline_start_)) new_line(indent);
      first = false;
      out += "- ";
      at_inline_start_ = true;
      if ((item.is_object() || item.is_array()) && !item.empty()) {
        if (item.is_object()) mapping(item, indent + kIndent);
        else sequence(item, indent + kIndent);
      } else {
        at_inline_start_ = false;
        node(item, indent + kIndent);
      }
      at_inline_start_ = false;
    }
  }

 private:
  bool at_inline_start_ = true;  // cursor sits after "- " (or at document start)

  void mapping_child(const json& child, int indent) {
    at_inline_start_ = false;
    mapping(child, indent);
  }
  void sequence_child(const json& child, int indent) {
    at_inline_start_ = false;
    sequence(child, indent);
  }
  void new_line(int indent) {
    if (!out.empty()) out += '\n';
    out.append(indent, ' ');
  }
  void inline_text(const char* s) {
    out += s;
    at_inline_start_ = false;
  }
  int column() const {
    size_t nl = out.rfind('\n');
    return static_cast<int>(nl == std::string::npos ? out.size() : out.size() - nl - 1);
  }

  void inline_scalar(const json& v, int indent, bool simple_key) {
    at_inline_start_ = false;
    switch (v.type()) {
      case json::value_t::null: out += "null"; return;
      case json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; return;
      case json::value_t::number_integer: out += std::to_string(v.get<int64_t>()); return;
      case json::value_t::number_unsigned: out += std::to_string(v.get<uint64_t>()); return;
      case json::value_t::number_float: out += format_float(v.get<double>()); return;
      case json::value_t::string: scalar_string(v.get_ref<const std::string&>(), indent, simple_key); return;
      default: out += v.dump(); return;
    }
  }

  static std::string format_float(double d) {
    if (std::isnan(d)) return ".NaN";
    if (std::isinf(d)) return d > 0 ? "+.Inf" : "-.Inf";
    std::array<char, 64> buf{};
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), d, std::chars_format::general);
    std::string s(buf.data(), r.ptr);
    // Go's 'g' format writes exponents as e+06; std::to_chars writes e+06 too.
    return s;
  }

  void scalar_string(const std::string& s, int indent, bool simple_key) {
    bool plain_ok = !resolves_to_non_string(s);
    ScalarAnalysis a = analyze(s);
    if (!simple_key && a.multiline && a.block_allowed) return literal(s, indent);
    if (plain_ok && (simple_key ? a.flow_plain_allowed : a.block_plain_allowed) &&
        !(simple_key && a.multiline)) {
      return plain(s, indent, !simple_key);
    }
    if (plain_ok && a.single_quoted_allowed && !(simple_key && a.multiline)) {
      return single_quoted(s, indent, !simple_key);
    }
    double_quoted(s);
  }

  void plain(const std::string& s, int indent, bool allow_breaks) {
    bool spaces = false;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c == ' ') {
        if (allow_breaks && !spaces && column() > kBestWidth && i + 1 < s.size() &&
            s[i + 1] != ' ') {
          new_line(indent);
        } else {
          out += c;
        }
        spaces = true;
      } else {
        out += c;
        spaces = false;
      }
    }
  }

  void single_quoted(const std::string& s, int indent, bool allow_breaks) {
    out += '\'';
    bool spaces = false;
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (c == ' ') {
        if (allow_breaks && !spaces && column() > kBestWidth && i != 0 && i + 1 < s.size() &&
            s[i + 1] != ' ') {
          new_line(indent);
        } else {
          out += c;
        }
        spaces = true;
      } else {
        if (c == '\'') out += '\'';
        out += c;
        spaces = false;
      }
    }
    out += '\'';
  }

  void double_quoted(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    out += '"';
    for (unsigned char c : s) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\0': out += "\\0"; break;
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\v': out += "\\v"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        case 0x1b: out += "\\e"; break;
        default:
          if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    out += '"';
  }

  void literal(const std::string& s, int indent) {
    out += '|';
    if (!s.empty() && (s[0] == ' ' || s[0] == '\n')) out += std::to_string(kIndent);
    // Chomping: "-" strips the missing final newline, "+" keeps extra ones.
    size_t trailing = 0;
    for (size_t i = s.size(); i > 0 && s[i - 1] == '\n'; --i) ++trailing;
    if (trailing == 0) out += '-';
    else if (trailing > 1 || trailing == s.size()) out += '+';
    size_t start = 0;
    std::string_view body(s);
    if (trailing > 0) body = body.substr(0, body.size() - 1);
    while (start <= body.size()) {
      size_t nl = body.find('\n', start);
      std::string_view line = body.substr(start, nl == std::string_view::npos ? body.npos : nl - start);
      out += '\n';
      if (!line.empty()) {
        out.append(indent, ' ');
        out += line;
      }
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
  }
};

}  // namespace

bool resolves_to_non_string(const std::string& s) {
  static const std::array<const char*, 37> words = {
      "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
      "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
      ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "-.inf", "-.Inf"};
  for (const char* w : words)
    if (s == w) return true;
  if (s == "+.INF" || s == "-.INF" || s == "<<") return true;
  if (s.empty()) return true;
  char c = s[0];
  if (!(is_digit(c) || c == '+' || c == '-' || c == '.')) return false;
  return parses_as_int(s) || parses_as_float(s) || is_base60_float(s) || is_timestamp(s);
}

bool key_less(const std::string& a, const std::string& b) {
  // go-yaml v2 keyList.Less: at the first difference, letters sort after non-letters, two
  // letters compare by code point, and runs of digits compare by numeric value.
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    unsigned char ac = a[i], bc = b[i];
    if (ac == bc) continue;
    bool al = is_letter(ac), bl = is_letter(bc);
    if (al && bl) return ac < bc;
    if (al || bl) return bl;
    long long an = 0, bn = 0;
    if (ac == '0' || bc == '0') {
      for (size_t j = i; j-- > 0 && is_digit(a[j]);) {
        if (a[j] != '0') {
          an = bn = 1;
          break;
        }
      }
    }
    size_t ai = i, bi = i;
    for (; ai < a.size() && is_digit(a[ai]); ++ai) an = an * 10 + (a[ai] - '0');
    for (; bi < b.size() && is_digit(b[bi]); ++bi) bn = bn * 10 + (b[bi] - '0');
    if (an != bn) return an < bn;
    if (ai != bi) return ai < bi;
    return ac < bc;
  }
  return a.size() < b.size();
}

std::string emit(const nlohmann::json& value) {
  Emitter e;
  e.node(value, 0);
  e.out += '\n';
  return e.out;
}

std::string emit_documents(const std::vector<nlohmann::json>& documents) {
  std::string out;
  for (size_t i = 0; i < documents.size(); ++i) {
    if (i > 0) out += "---\n";
    out += emit(documents[i]);
  }
  return out;
}

}  // namespace kadm::yaml
