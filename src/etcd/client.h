// An etcd v3 client for what kubeadm does to a stacked etcd cluster (reference §5.1): list,
// add (optionally as a learner), promote and remove members, and check every endpoint's status.
// It talks to etcd's JSON gateway (POST https://<ip>:2379/v3/…) through net/, with mutual TLS
// (etcd CA + healthcheck-client), so kadm needs no gRPC. Member IDs are uint64s that the gateway
// writes as JSON strings.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "net/transport.h"
#include "util/duration.h"

namespace kadm::etcd {

inline constexpr int kClientPort = 2379;
inline constexpr int kPeerPort = 2380;

struct Member {
  uint64_t id = 0;
  std::string name;  // empty until the member has started (concurrent joins)
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
  bool learner = false;
};

// Parsers for the gateway's answers (pure, unit-tested).
std::vector<Member> parse_members(const nlohmann::json& response);
Member parse_member(const nlohmann::json& m);
// A member's name as kubeadm writes it into --initial-cluster: its name, or its ID in hex while it
// has none yet.
std::string display_name(const Member& m);

// "https://10.0.0.12:2380" / "https://10.0.0.12:2379" (IPv6 bracketed).
std::string peer_url(const std::string& advertise_address);
std::string client_url(const std::string& advertise_address);

// One POST to one endpoint; the real one goes through kadm-http.so.
using Poster = std::function<net::Response(const std::string& endpoint, const std::string& path,
                                           const std::string& body, Duration timeout)>;
Poster https_poster(const net::TlsConfig& tls);

class Client {
 public:
  Client(std::vector<std::string> endpoints, Poster post,
         Duration call_timeout = std::chrono::seconds(10));

  const std::vector<std::string>& endpoints() const { return endpoints_; }

  std::vector<Member> list();
  // Adds a member with this peer URL; returns the new member and the member list after the add.
  struct Added {
    Member member;
    std::vector<Member> members;
  };
  Added add(const std::string& peer_url, bool learner);
  // Promotes a learner. nullopt on success; the server's reason otherwise (e.g. the learner is not
  // in sync with the leader yet), which callers retry.
  std::optional<std::string> promote(uint64_t id);
  // Status of one endpoint: nullopt when it answers, else why not.
  std::optional<std::string> status(const std::string& endpoint);
  // Replaces the endpoints with the client URLs of the members (upstream Sync).
  void sync();

 private:
  // POSTs to the endpoints in order until one answers 200; throws kadm::Error naming each failure.
  nlohmann::json call(const std::string& path, const nlohmann::json& body);

  std::vector<std::string> endpoints_;
  Poster post_;
  Duration timeout_;
};

}  // namespace kadm::etcd
