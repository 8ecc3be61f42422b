#include "api/bootstrap_token.h"

#include <fmt/format.h>
#include <sys/random.h>


#include "util/error.h"

namespace kadm::api {
namespace {

bool token_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string describe_char(char c) {
  if (c == ' ') return "a space";
  if (c == '\t') return "a tab";
  if (c == '\n' || c == '\r') return "a line break";
  if (c >= 'A' && c <= 'Z') return fmt::format("the upper-case letter '{}'", c);
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
    return fmt::format("the byte 0x{:02x}", static_cast<unsigned char>(c));
  return fmt::format("'{}'", c);
}

void fill_random(unsigned char* buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = getrandom(buf + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error("cannot read random bytes from the kernel (getrandom)");
    }
    done += static_cast<size_t>(n);
  }
}

}  // namespace

bool is_token_id(const std::string& id) {
  if (id.size() != 6) return false;
  for (char c : id)
    if (!token_char(c)) return false;
  return true;
}

std::optional<TokenParts> parse_token(const std::string& token, std::string* why) {
  auto fail = [&](std::string msg) -> std::optional<TokenParts> {
    if (why) *why = std::move(msg);
    return std::nullopt;
  };
  for (size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    if (i == 6 && c == '.') continue;
    if (!token_char(c)) {
      return fail(fmt::format("character {} is {}; a token is 6 characters [a-z0-9], a dot, then "
                              "16 characters [a-z0-9]",
                              i + 1, describe_char(c)));
    }
  }
  if (token.size() != 23 || token[6] != '.') {
    return fail(fmt::format("a token is 6 characters [a-z0-9], a dot, then 16 characters [a-z0-9] "
                            "(23 in all); got {} characters{}",
                            token.size(),
                            token.size() > 6 && token[6] != '.' ? " without the dot at position 7"
                                                                : ""));
  }
  return TokenParts{token.substr(0, 6), token.substr(7)};
}

std::string generate_token() {
  static const char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  unsigned char buf[64];
  while (out.size() < 22) {
    fill_random(buf, sizeof buf);
    for (unsigned char b : buf) {
      // 252 = 7 * 36: dropping bytes >= 252 keeps every character equally likely.
      if (b >= 252) continue;
      out += kAlphabet[b % 36];
      if (out.size() == 22) break;
    }
  }
  return out.substr(0, 6) + "." + out.substr(6, 16);
}

std::string validate_token_groups(const std::vector<std::string>& groups) {
  // ^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$
  static const std::string prefix = "system:bootstrappers:";
  for (const auto& g : groups) {
    bool ok = g.size() > prefix.size() && g.size() <= prefix.size() + 256 && g.rfind(prefix, 0) == 0;
    for (size_t i = prefix.size(); ok && i < g.size(); ++i) {
      char c = g[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      ok = alnum || (i + 1 < g.size() && (c == ':' || c == '-'));
    }
    if (!ok) {
      return fmt::format("bootstrap group \"{}\" is invalid (must match "
                         "^system:bootstrappers:[a-z0-9:-]{{0,255}}[a-z0-9]$)",
                         g);
    }
  }
  return "";
}

std::string validate_token_usages(const std::vector<std::string>& usages) {
  for (const auto& u : usages) {
    if (u != "signing" && u != "authentication") {
      return fmt::format("invalid bootstrap token usage string: {}, valid usage options: "
                         "signing,authentication",
                         u);
    }
  }
  return "";
}

}  // namespace kadm::api
