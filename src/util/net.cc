#include "util/net.h"

#include <arpa/inet.h>

#include <charconv>

namespace kadm::net {

std::string IP::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

bool IP::is_loopback() const {
  if (!v6) return bytes[0] == 127;
  for (int i = 0; i < 15; ++i)
    if (bytes[i] != 0) return false;
  return bytes[15] == 1;
}

bool IP::is_unspecified() const {
  for (int i = 0; i < (v6 ? 16 : 4); ++i)
    if (bytes[i] != 0) return false;
  return true;
}

std::optional<IP> parse_ip(const std::string& s) {
  IP ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  ip.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    // Go treats an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as IPv4.
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(mapped, mapped + 12, ip.bytes.begin())) {
      IP v4;
      std::copy(ip.bytes.begin() + 12, ip.bytes.end(), v4.bytes.begin());
      return v4;
    }
    return ip;
  }
  return std::nullopt;
}

static void clear_host_bits(IP* ip, int prefix) {
  for (int i = 0; i < ip->bits(); ++i) {
    if (i >= prefix) ip->bytes[i / 8] &= static_cast<uint8_t>(~(0x80 >> (i % 8)));
  }
}

std::optional<CIDR> parse_cidr(const std::string& s) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto ip = parse_ip(s.substr(0, slash));
  if (!ip) return std::nullopt;
  std::string p = s.substr(slash + 1);
  int prefix = -1;
  if (p.empty() || p.size() > 3 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
  auto r = std::from_chars(p.data(), p.data() + p.size(), prefix);
  if (r.ec != std::errc() || r.ptr != p.data() + p.size()) return std::nullopt;
  // An IPv4 address written in IPv6 form keeps IPv6 mask lengths in Go; we only see that via
  // "::ffff:a.b.c.d/n", which parse_ip folds to IPv4, so accept /96.. and convert.
  if (!ip->v6 && s.find(':') != std::string::npos) {
    if (prefix < 96) return std::nullopt;
    prefix -= 96;
  }
  if (prefix < 0 || prefix > ip->bits()) return std::nullopt;
  clear_host_bits(&*ip, prefix);
  return CIDR{*ip, prefix};
}

std::string CIDR::str() const { return ip.str() + "/" + std::to_string(prefix); }

bool CIDR::contains(const IP& other) const {
  if (other.v6 != ip.v6) return false;
  IP masked = other;
  clear_host_bits(&masked, prefix);
  return masked == ip;
}

std::optional<IP> nth_ip(const CIDR& cidr, uint64_t n) {
  int host_bits = cidr.host_bits();
  if (host_bits < 64 && n >= (uint64_t{1} << host_bits)) return std::nullopt;
  IP out = cidr.ip;
  int len = out.v6 ? 16 : 4;
  uint64_t carry = n;
  for (int i = len - 1; i >= 0 && carry > 0; --i) {
    uint64_t sum = out.bytes[i] + (carry & 0xff);
    out.bytes[i] = static_cast<uint8_t>(sum & 0xff);
    carry = (carry >> 8) + (sum >> 8);
  }
  return out;
}

bool overlaps(const CIDR& a, const CIDR& b) {
  if (a.ip.v6 != b.ip.v6) return false;
  return a.contains(b.ip) || b.contains(a.ip);
}

std::vector<std::string> split_comma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool split_host_port(const std::string& hostport, std::string* host, int* port) {
  std::string h, p;
  if (!hostport.empty() && hostport[0] == '[') {
    auto close = hostport.find(']');
    if (close == std::string::npos || close + 1 >= hostport.size() || hostport[close + 1] != ':')
      return false;
    h = hostport.substr(1, close - 1);
    p = hostport.substr(close + 2);
  } else {
    auto colon = hostport.rfind(':');
    if (colon == std::string::npos) return false;
    h = hostport.substr(0, colon);
    if (h.find(':') != std::string::npos) return false;  // unbracketed IPv6
    p = hostport.substr(colon + 1);
  }
  int value = -1;
  auto r = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || r.ec != std::errc() || r.ptr != p.data() + p.size() || value < 0 ||
      value > 65535)
    return false;
  *host = h;
  *port = value;
  return true;
}

std::string join_host_port(const std::string& host, int port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

}  // namespace kadm::net
