#include "preflight/proxy.h"

#include <algorithm>
#include <cctype>

#include "host/machine.h"
#include "util/net.h"

namespace kadm::preflight {
namespace {

std::string env_either(host::Machine& m, const std::string& upper) {
  std::string v = m.getenv(upper);
  if (!v.empty()) return v;
  std::string lower = upper;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return m.getenv(lower);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool excluded(const std::string& no_proxy, const std::string& host) {
  auto ip = net::parse_ip(host);
  std::string h = lower(host);
  size_t start = 0;
  while (start <= no_proxy.size()) {
    size_t end = no_proxy.find(',', start);
    if (end == std::string::npos) end = no_proxy.size();
    std::string e = lower(no_proxy.substr(start, end - start));
    start = end + 1;
    e.erase(0, e.find_first_not_of(" \t"));
    while (!e.empty() && (e.back() == ' ' || e.back() == '\t')) e.pop_back();
    if (e.empty()) continue;
    if (e == "*") return true;
    // Strip a port from the entry ("example.com:443"); kubeadm's checks carry no port.
    if (auto colon = e.rfind(':'); colon != std::string::npos && e.find(':') == colon && e.find('/') == std::string::npos)
      e = e.substr(0, colon);
    if (ip) {
      if (auto c = net::parse_cidr(e)) {
        if (c->contains(*ip)) return true;
        continue;
      }
      if (auto eip = net::parse_ip(e)) {
        if (*eip == *ip) return true;
        continue;
      }
      continue;
    }
    if (e[0] == '*') e = e.substr(1);
    if (e[0] == '.') {
      if (h.size() > e.size() && h.compare(h.size() - e.size(), e.size(), e) == 0) return true;
      if (h == e.substr(1)) return true;
      continue;
    }
    if (h == e) return true;
    if (h.size() > e.size() && h.compare(h.size() - e.size(), e.size(), e) == 0 && h[h.size() - e.size() - 1] == '.')
      return true;
  }
  return false;
}

}  // namespace

std::string proxy_for(host::Machine& m, const std::string& proto, const std::string& host) {
  if (host.empty()) return "";
  if (lower(host) == "localhost") return "";
  if (auto ip = net::parse_ip(host); ip && ip->is_loopback()) return "";
  std::string proxy = proto == "https" ? env_either(m, "HTTPS_PROXY") : env_either(m, "HTTP_PROXY");
  if (proxy.empty()) return "";
  if (excluded(env_either(m, "NO_PROXY"), host)) return "";
  // Go turns a bare "host:port" into http://host:port.
  if (proxy.find("://") == std::string::npos) proxy = "http://" + proxy;
  return proxy;
}

}  // namespace kadm::preflight
