// Join's discovery (reference §6): establish trust in the control plane before anything is sent
// to it. Token discovery fetches cluster-info anonymously, verifies its detached JWS with the
// token, pins the CA by its public-key hash and re-fetches over verified TLS; file discovery
// trusts a kubeconfig (a path or an https:// URL) and refreshes it from cluster-info. Every wait
// is bounded by the discovery timeout, and each way of failing has its own message and exit
// code (util/error.h): unreachable 10, unknown token 11, bad signature 12, CA hash mismatch 13.
#pragma once

#include <functional>
#include <string>

#include "api/types.h"
#include "kube/client.h"
#include "kubeconfig/kubeconfig.h"
#include "net/transport.h"
#include "util/duration.h"

namespace kadm::discovery {

// kubeadm's names for the identities in the kubeconfigs discovery builds.
inline constexpr const char* kTokenUser = "tls-bootstrap-token-user";
inline constexpr const char* kDefaultClusterName = "kubernetes";

// Where and as whom one GET of cluster-info goes.
struct Target {
  std::string server;  // https://host:port
  net::TlsConfig tls;
  std::string bearer_token;  // empty: anonymous (a client certificate may be in tls)
};
// One GET of kube-public/cluster-info; tests substitute a fake API.
using Getter = std::function<kube::Result(const Target&, Duration timeout)>;
Getter https_getter();

struct Options {
  Duration timeout = std::chrono::minutes(5);   // timeouts.discovery / discovery.timeout
  Duration interval = std::chrono::seconds(5);  // upstream DiscoveryRetryInterval, jitter 0.3
  // When cluster-info carries signatures for other tokens but none for ours, the signer is at
  // work and has not heard of this token: it is unknown or expired. Give a token created just
  // now this long to be signed before saying so (kadm; upstream waits out the whole timeout).
  Duration unknown_token_grace = std::chrono::seconds(20);
  Getter get;                           // default: https_getter()
  std::function<void(Duration)> sleep;  // default: std::this_thread::sleep_for
  std::function<std::string(const std::string& url)>
      fetch_url;  // default: HTTPS GET (file discovery)
};

// What token discovery establishes: the API server URL and CA bundle published in cluster-info.
struct ClusterTrust {
  std::string server;
  std::string ca_pem;
};

// Token discovery against d.api_server_endpoint. Throws kadm::Error with the exit codes above
// (kExitConfig for a malformed token or CA hash, kExitFailure for other problems).
ClusterTrust discover_token(const api::BootstrapTokenDiscovery& d, const Options& o);

// File discovery: the kubeconfig from a path or https:// URL with its CA (and credentials)
// embedded, server and CA refreshed from cluster-info when readable.
kubeconfig::Config discover_file(const std::string& path_or_url, const Options& o);

// upstream discovery.For: the kubeconfig for the TLS bootstrap. With a TLS bootstrap token:
// cluster "kubernetes" (renamed later to the cluster's name), user tls-bootstrap-token-user;
// otherwise the discovery file's own credentials.
kubeconfig::Config tls_bootstrap_config(const api::JoinConfiguration& cfg, const Options& o);

// Exit-code-carrying checks of the user's input, run before anything touches the network.
// Messages name the flag or field (`origin`) and the bad character, never the token's secret.
void check_token_input(const std::string& token, const std::string& origin);
void check_pin_inputs(const std::vector<std::string>& pins, const std::string& origin);

}  // namespace kadm::discovery
