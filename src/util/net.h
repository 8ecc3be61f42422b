// IP addresses and CIDRs with the semantics of Go's net package, which kubeadm relies on for
// subnets, service VIPs and advertise addresses.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kadm::net {

struct IP {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // v4 uses the first 4 bytes
  int bits() const { return v6 ? 128 : 32; }
  std::string str() const;
  bool is_loopback() const;
  bool is_unspecified() const;
  bool operator==(const IP&) const = default;
};

struct CIDR {
  IP ip;       // network address (host bits cleared)
  int prefix;  // mask length
  std::string str() const;
  // Number of host bits (bits - prefix).
  int host_bits() const { return ip.bits() - prefix; }
  bool contains(const IP& ip) const;
};

std::optional<IP> parse_ip(const std::string& s);
std::optional<CIDR> parse_cidr(const std::string& s);

// The n-th address of a subnet (n = 1 is the first after the network address), or nullopt when
// the subnet is smaller than that. kubeadm's API server VIP is nth(1), the DNS service IP nth(10).
std::optional<IP> nth_ip(const CIDR& cidr, uint64_t n);

bool overlaps(const CIDR& a, const CIDR& b);

// Splits a comma-separated list ("10.96.0.0/12,fd00::/108") as kubeadm does for dual-stack.
std::vector<std::string> split_comma(const std::string& s);

// "host:port" or "[v6]:port". Returns false if the port is missing or not a number in 0..65535.
bool split_host_port(const std::string& hostport, std::string* host, int* port);

// Joins host and port, bracketing IPv6 literals.
std::string join_host_port(const std::string& host, int port);

}  // namespace kadm::net
