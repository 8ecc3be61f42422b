#include "discovery/discovery.h"

#include <fmt/format.h>

#include <random>
#include <thread>

#include "api/bootstrap_token.h"
#include "discovery/cluster_info.h"
#include "discovery/poll.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::discovery {

namespace detail {

const char* const kPrefix = "couldn't validate the identity of the API Server: ";

namespace {
constexpr auto kRequestTimeout = std::chrono::seconds(10);
}  // namespace

kube::Ref cluster_info_ref() {
  return {"v1", "configmaps", kClusterInfoNamespace, kClusterInfoName};
}

std::string seconds_text(Duration d) {
  return format_duration(
      std::chrono::duration_cast<std::chrono::seconds>(d + std::chrono::milliseconds(500)));
}

Options with_defaults(Options o) {
  if (!o.get) o.get = https_getter();
  if (!o.sleep) o.sleep = [](Duration d) { std::this_thread::sleep_for(d); };
  if (o.interval <= Duration::zero()) o.interval = std::chrono::seconds(5);
  return o;
}

Duration jittered(Duration interval) {
  static thread_local std::minstd_rand rng{std::random_device{}()};
  std::uniform_real_distribution<double> u(0.0, 0.3);
  return interval + std::chrono::duration_cast<Duration>(interval * u(rng));
}

Duration clamp_request(Duration remaining) {
  Duration t = std::min<Duration>(remaining, kRequestTimeout);
  return std::max<Duration>(t, std::chrono::milliseconds(200));
}

std::string transport_text(const kube::Status& s) {
  std::string out = net::describe(s.transport);
  if (!s.transport_text.empty() && s.transport_text != out) out += " (" + s.transport_text + ")";
  return out;
}

bool has_credentials(const kubeconfig::User& u) {
  return !u.token.empty() || !u.client_cert_data.empty() || !u.client_cert_file.empty();
}

}  // namespace detail

using namespace detail;

Getter https_getter() {
  return [](const Target& t, Duration timeout) {
    kube::ClientOptions opts;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    opts.timeouts = net::Timeouts{ms, ms};
    try {
      auto client = kube::make_client(t.server, t.tls, t.bearer_token, opts);
      return client->get(cluster_info_ref());
    } catch (const Error& e) {
      kube::Result r;
      r.status.transport = net::TransportError::Other;
      r.status.transport_text = e.what();
      return r;
    }
  };
}

void check_token_input(const std::string& token, const std::string& origin) {
  std::string why;
  if (api::parse_token(token, &why)) return;
  throw Error(
      fmt::format("{} is not a valid bootstrap token: {}", origin, why),
      "tokens look like abcdef.0123456789abcdef; 'kadm token create --print-join-command' on a "
      "control-plane node prints a working join command",
      kExitConfig);
}

void check_pin_inputs(const std::vector<std::string>& pins, const std::string& origin) {
  for (const auto& p : pins) {
    if (auto m = check_pin(p); !m.empty())
      throw Error(fmt::format("{}: {}", origin, m),
                  "copy the hash from 'kadm init' or 'kadm token create --print-join-command'",
                  kExitConfig);
  }
}

kubeconfig::Config tls_bootstrap_config(const api::JoinConfiguration& cfg, const Options& o) {
  const auto& d = cfg.discovery;
  std::string server, ca;
  std::optional<kubeconfig::Config> file_config;
  if (d.file) {
    file_config = discover_file(d.file->kube_config_path, o);
    const auto& c = file_config->clusters.front();
    server = c.server;
    ca = c.ca_data;
  } else if (d.bootstrap_token) {
    auto trust = discover_token(*d.bootstrap_token, o);
    server = trust.server;
    ca = trust.ca_pem;
  } else {
    throw Error("couldn't find a valid discovery configuration",
                "pass <api-server-endpoint> with --token and --discovery-token-ca-cert-hash, or "
                "--discovery-file",
                kExitConfig);
  }
  if (!d.tls_bootstrap_token.empty()) {
    check_token_input(d.tls_bootstrap_token, "the TLS bootstrap token");
    log::v(1,
           "[discovery] Using provided TLSBootstrapToken as authentication credentials for the "
           "join process");
    return kubeconfig::with_token(server, kDefaultClusterName, kTokenUser, ca,
                                  d.tls_bootstrap_token);
  }
  if (file_config && !file_config->users.empty() && has_credentials(file_config->users.front()))
    return *file_config;
  throw Error(
      "couldn't find authentication credentials for the TLS boostrap process. Please use Token "
      "discovery, a "
      "discovery file with embedded authentication credentials or a discovery file without "
      "authentication "
      "credentials but with the TLSBootstrapToken flag",
      "pass --tls-bootstrap-token (or --token)", kExitConfig);
}

}  // namespace kadm::discovery
