#include "host/system.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

namespace kadm::host {

std::string hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  std::string name(buf);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return name;
}

namespace {

// Interface names that carry a default route, from /proc/net/route (IPv4) and
// /proc/net/ipv6_route (IPv6).
std::vector<std::string> default_route_interfaces(bool v6) {
  std::vector<std::string> out;
  if (!v6) {
    std::ifstream in("/proc/net/route");
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream ss(line);
      std::string iface, dest, gateway, flags;
      ss >> iface >> dest >> gateway >> flags;
      if (dest == "00000000") out.push_back(iface);
    }
  } else {
    std::ifstream in("/proc/net/ipv6_route");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ss(line);
      std::string dest, dest_len, src, src_len, next_hop, metric, ref, use, flags, iface;
      ss >> dest >> dest_len >> src >> src_len >> next_hop >> metric >> ref >> use >> flags >> iface;
      if (dest == std::string(32, '0') && dest_len == "00" && iface != "lo") out.push_back(iface);
    }
  }
  return out;
}

bool global_unicast(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    auto* a = reinterpret_cast<const sockaddr_in*>(sa);
    uint32_t ip = ntohl(a->sin_addr.s_addr);
    return ip != 0 && (ip >> 24) != 127 && (ip >> 16) != 0xa9fe;  // not 0/8, loopback, link-local
  }
  if (sa->sa_family == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(sa);
    const uint8_t* b = a->sin6_addr.s6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) || IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr)) return false;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return false;  // link-local
    return true;
  }
  return false;
}

}  // namespace

std::string default_route_ip() {
  ifaddrs* addrs = nullptr;
  if (getifaddrs(&addrs) != 0) return "";
  std::string result;
  for (bool v6 : {false, true}) {
    for (const auto& iface : default_route_interfaces(v6)) {
      for (ifaddrs* a = addrs; a && result.empty(); a = a->ifa_next) {
        if (!a->ifa_addr || iface != a->ifa_name) continue;
        if (a->ifa_addr->sa_family != (v6 ? AF_INET6 : AF_INET)) continue;
        if (!(a->ifa_flags & IFF_UP) || !global_unicast(a->ifa_addr)) continue;
        char buf[INET6_ADDRSTRLEN] = {};
        const void* src = v6 ? static_cast<const void*>(
                                   &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr)
                             : static_cast<const void*>(
                                   &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr);
        inet_ntop(v6 ? AF_INET6 : AF_INET, src, buf, sizeof buf);
        result = buf;
      }
      if (!result.empty()) break;
    }
    if (!result.empty()) break;
  }
  freeifaddrs(addrs);
  return result;
}

std::vector<std::string> existing_cri_sockets(const std::vector<std::string>& candidates,
                                              const std::string& root) {
  std::vector<std::string> out;
  for (const auto& c : candidates) {
    std::string path = c.rfind("unix://", 0) == 0 ? c.substr(7) : c;
    struct stat st {};
    if (stat((root + path).c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) out.push_back(c);
  }
  return out;
}

LowPriority::LowPriority() : tid_(gettid()) {
  errno = 0;
  int current = getpriority(PRIO_PROCESS, static_cast<id_t>(tid_));
  if (errno != 0) return;
  previous_ = current;
  lowered_ = setpriority(PRIO_PROCESS, static_cast<id_t>(tid_), 19) == 0;
}

LowPriority::~LowPriority() {
  if (lowered_) setpriority(PRIO_PROCESS, static_cast<id_t>(tid_), previous_);
}

}  // namespace kadm::host
