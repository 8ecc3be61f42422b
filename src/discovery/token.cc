// Token discovery (reference §6.1): cluster-info fetched anonymously over unverified TLS, its
// detached signature checked with the token, the CA pinned by its public-key hash, then fetched
// again over TLS verified against that CA and compared byte for byte.
#include <fmt/format.h>

#include "api/bootstrap_token.h"
#include "discovery/cluster_info.h"
#include "discovery/discovery.h"
#include "discovery/poll.h"
#include "util/error.h"
#include "util/log.h"
#include "util/net.h"

namespace kadm::discovery {

using namespace detail;

namespace {

// Why a GET of cluster-info produced nothing usable, and how that ends when time runs out.
enum class Problem { kNone, kUnreachable, kHTTP, kNoSignature };

std::string http_hint(int code) {
  switch (code) {
    case 401:
    case 403:
      return "the API server refuses anonymous reads of kube-public/cluster-info: the cluster was "
             "not set "
             "up by kubeadm/kadm init, or its bootstrap-token RBAC was removed ('kadm init phase "
             "bootstrap-token' restores it)";
    case 404:
      return "kube-public/cluster-info does not exist: the control plane is not set up for token "
             "discovery yet ('kadm init phase bootstrap-token' creates it)";
    default:
      return "check that the endpoint is the Kubernetes API server of the cluster";
  }
}

[[noreturn]] void fail_timeout(Problem p, const std::string& endpoint, const std::string& last,
                               int last_code, const std::string& token_id, const Options& o) {
  switch (p) {
    case Problem::kUnreachable:
      throw Error(std::string(kPrefix) +
                      fmt::format("cannot reach the API server at {}: {} (kept trying for {})",
                                  endpoint, last, seconds_text(o.timeout)),
                  "check the address and port of the control plane (default 6443), that "
                  "kube-apiserver runs "
                  "there, and that no firewall is in the way",
                  kExitUnreachable);
    case Problem::kNoSignature:
      throw Error(
          std::string(kPrefix) +
              fmt::format(
                  "token id \"{}\" is invalid for this cluster or it has expired. Use \"kubeadm "
                  "token create\" on the control-plane node to create a new valid token",
                  token_id),
          fmt::format("cluster-info at {} still carried no signature for this token after {}; "
                      "'kadm token list' on a control-plane node shows the valid tokens",
                      endpoint, seconds_text(o.timeout)),
          kExitTokenUnknown);
    default:
      throw Error(
          std::string(kPrefix) + fmt::format("reading cluster-info from {} kept failing for {}: {}",
                                             endpoint, seconds_text(o.timeout), last),
          http_hint(last_code), kExitFailure);
  }
}

// Polls cluster-info until it carries a valid signature for the token, or fails with the
// specific reason. `verified` is the second round, over TLS verified against the pinned CA.
SignatureCheck fetch_signed(const Target& target, const std::string& endpoint,
                            const api::TokenParts& token, const Options& o,
                            Clock::time_point deadline, bool verified) {
  Problem reported = Problem::kNone;
  // A plain time point and a flag: GCC 12 at -O2 misreads std::optional<time_point> as
  // maybe-uninitialized.
  Clock::time_point unknown_since{};
  bool unknown_seen = false;
  for (int attempt = 1;; ++attempt) {
    auto now = Clock::now();
    auto r = o.get(target, clamp_request(deadline - now));
    Problem p = Problem::kNone;
    std::string what;
    if (r.status.code == 0) {
      if (verified && r.status.transport == net::TransportError::TLSVerify) {
        throw Error(
            std::string(kPrefix) + fmt::format("the API server at {} presents a serving "
                                               "certificate that the pinned cluster CA "
                                               "did not sign ({})",
                                               endpoint, transport_text(r.status)),
            "the endpoint is not this cluster's API server, or its certificate lacks this address; "
            "use "
            "the address printed by 'kadm init' or 'kadm token create --print-join-command'",
            kExitFailure);
      }
      p = Problem::kUnreachable;
      what = transport_text(r.status);
    } else if (!r.status.ok()) {
      p = Problem::kHTTP;
      what = r.status.describe();
    } else {
      auto chk = check_signature(r.object, token);
      switch (chk.state) {
        case Signature::kValid:
          if (reported != Problem::kNone)
            log::progress("[discovery] Got a signed cluster-info from {} (attempt {})", endpoint,
                          attempt);
          return chk;
        case Signature::kInvalid:
          throw Error(
              std::string(kPrefix) +
                  "failed to verify JWS signature of received cluster info object, can't trust "
                  "this API Server",
              fmt::format(
                  "cluster-info at {} has a signature for token id \"{}\" that does not match the "
                  "token's secret: the secret part of the token is wrong, or the data was tampered "
                  "with on the way",
                  endpoint, token.id),
              kExitBadSignature);
        case Signature::kNoKubeconfig:
          throw Error(std::string(kPrefix) +
                          "there is no kubeconfig key in the cluster-info ConfigMap. This API "
                          "Server isn't set up "
                          "for token bootstrapping, can't connect",
                      "'kadm init phase bootstrap-token' on a control-plane node writes it",
                      kExitFailure);
        case Signature::kMissing:
          p = Problem::kNoSignature;
          what = fmt::format("cluster-info has no JWS signature for token id \"{}\" yet", token.id);
          if (chk.other_signatures > 0) {
            if (!unknown_seen) {
              unknown_since = now;
              unknown_seen = true;
            }
            if (now - unknown_since >= o.unknown_token_grace) {
              throw Error(
                  std::string(kPrefix) +
                      fmt::format(
                          "token id \"{}\" is invalid for this cluster or it has expired. Use "
                          "\"kubeadm token create\" on the control-plane node to create a new "
                          "valid token",
                          token.id),
                  fmt::format(
                      "the cluster signs {} other token(s) but not this one (checked for {}); "
                      "'kadm token list' on a control-plane node shows the valid tokens",
                      chk.other_signatures, seconds_text(o.unknown_token_grace)),
                  kExitTokenUnknown);
            }
          } else {
            unknown_seen = false;  // nothing signed at all: the signer is not running yet
          }
          break;
      }
    }
    auto left = deadline - Clock::now();
    if (p != reported) {
      log::progress("[discovery] {}: {}; retrying for up to {}", endpoint, what,
                    seconds_text(std::max<Duration>(left, Duration::zero())));
      reported = p;
    } else {
      log::v(1, "[discovery] attempt {} at {}: {}, will try again", attempt, endpoint, what);
    }
    if (left <= Duration::zero()) fail_timeout(p, endpoint, what, r.status.code, token.id, o);
    o.sleep(std::min<Duration>(jittered(o.interval), left));
    if (Clock::now() >= deadline) fail_timeout(p, endpoint, what, r.status.code, token.id, o);
  }
}

kubeconfig::Cluster only_cluster(const kubeconfig::Config& c) {
  if (c.clusters.size() != 1) {
    throw Error(
        std::string(kPrefix) +
            fmt::format(
                "expected the kubeconfig file in the cluster-info ConfigMap to have a single "
                "cluster, but it had {}",
                c.clusters.size()),
        "", kExitFailure);
  }
  return c.clusters.front();
}

}  // namespace

ClusterTrust discover_token(const api::BootstrapTokenDiscovery& d, const Options& opts) {
  Options o = with_defaults(opts);
  check_token_input(d.token, "discovery token");
  check_pin_inputs(d.ca_cert_hashes, "--discovery-token-ca-cert-hash");
  auto token = *api::parse_token(d.token);
  std::string host;
  int port = 0;
  if (!net::split_host_port(d.api_server_endpoint, &host, &port) || host.empty()) {
    throw Error(
        fmt::format("the API server endpoint \"{}\" is not host:port", d.api_server_endpoint),
        "e.g. kadm join 10.0.0.10:6443 --token … (IPv6: [fd00::10]:6443)", kExitConfig);
  }
  const std::string& endpoint = d.api_server_endpoint;
  auto deadline = Clock::now() + o.timeout;

  Target insecure;
  insecure.server = "https://" + endpoint;
  insecure.tls.insecure_skip_verify = true;
  log::v(1, "[discovery] Created cluster-info discovery client, requesting info from \"{}\"",
         endpoint);
  auto first = fetch_signed(insecure, endpoint, token, o, deadline, false);
  auto info = kubeconfig::parse(first.kubeconfig, "the kubeconfig in the cluster-info ConfigMap");
  auto cluster = only_cluster(info);
  ClusterTrust out{cluster.server, cluster.ca_data};
  if (d.ca_cert_hashes.empty()) {
    log::v(1,
           "[discovery] Cluster info signature and contents are valid and no TLS pinning was "
           "specified, will "
           "use API Server \"{}\"",
           endpoint);
    return out;
  }
  auto pins = check_pins(d.ca_cert_hashes, cluster.ca_data, "the CA in the cluster-info ConfigMap");
  if (!pins.matched) {
    std::string seen, wanted;
    for (const auto& s : pins.seen) seen += (seen.empty() ? "" : ", ") + s;
    for (const auto& w : d.ca_cert_hashes)
      wanted += (wanted.empty() ? "" : ", ") + normalize_pin(w);
    throw Error(std::string(kPrefix) + fmt::format("cluster CA found in cluster-info ConfigMap is "
                                                   "invalid: none of the public keys \"{}\" "
                                                   "are pinned (--discovery-token-ca-cert-hash {})",
                                                   seen, wanted),
                fmt::format("the API server at {} is not the cluster you meant, or the hash is "
                            "from another cluster; "
                            "on a control-plane node, 'kadm token create --print-join-command' "
                            "prints the right one",
                            endpoint),
                kExitCAHashMismatch);
  }
  Target verified;
  verified.server = "https://" + endpoint;
  verified.tls.ca_pem = cluster.ca_data;
  log::v(
      1,
      "[discovery] Requesting info from \"{}\" again to validate TLS against the pinned public key",
      endpoint);
  auto second = fetch_signed(verified, endpoint, token, o, deadline, true);
  if (second.kubeconfig != first.kubeconfig) {
    throw Error(std::string(kPrefix) +
                    "the second kubeconfig from the cluster-info ConfigMap (using validated TLS) "
                    "was different "
                    "from the first",
                "cluster-info changed between the two reads, or something rewrites traffic to the "
                "API server; "
                "run the join again",
                kExitFailure);
  }
  log::v(1,
         "[discovery] Cluster info signature and contents are valid and TLS certificate validates "
         "against "
         "pinned roots, will use API Server \"{}\"",
         endpoint);
  return out;
}

}  // namespace kadm::discovery
