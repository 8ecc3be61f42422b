#include "manifests/etcd.h"

#include <fmt/format.h>

#include "images/images.h"
#include "util/error.h"
#include "util/net.h"

namespace kadm::manifests {
namespace {

using nlohmann::json;

constexpr int kClientPort = 2379;
constexpr int kPeerPort = 2380;
constexpr int kMetricsPort = 2381;

bool is_ipv6(const std::string& s) {
  auto ip = net::parse_ip(s);
  return ip && ip->v6;
}

std::string client_url(const std::string& host) {
  return "https://" + net::join_host_port(host, kClientPort);
}
std::string peer_url(const std::string& host) {
  return "https://" + net::join_host_port(host, kPeerPort);
}

// GetEtcdProbeEndpoint: the first listen-metrics-urls entry when the user set one.
Probe probe_endpoint(const Input& in) {
  Probe p{is_ipv6(in.endpoint.advertise_address) ? "::1" : "127.0.0.1", "", kMetricsPort, "HTTP"};
  const auto& local = in.cluster->etcd.local;
  if (!local) return p;
  auto urls = arg_value(local->extra_args, "listen-metrics-urls");
  if (!urls) return p;
  std::string url = urls->substr(0, urls->find(','));
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return p;
  if (url.substr(0, scheme_end) == "https") p.scheme = "HTTPS";
  std::string rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('/'));
  std::string host = rest;
  int port = 0;
  if (net::split_host_port(rest, &host, &port)) {
    if (port > 0) p.port = port;
  } else if (!rest.empty() && rest.front() == '[' && rest.back() == ']') {
    host = rest.substr(1, rest.size() - 2);
  }
  if (!host.empty()) p.host = host;
  return p;
}

}  // namespace

bool etcd_tag_at_least_36(const std::string& tag) {
  int major = 0, minor = 0;
  if (std::sscanf(tag.c_str(), "v%d.%d", &major, &minor) != 2 &&
      std::sscanf(tag.c_str(), "%d.%d", &major, &minor) != 2)
    return false;
  return major > 3 || (major == 3 && minor >= 6);
}

std::vector<std::string> etcd_command(const Input& in,
                                      const std::vector<EtcdMember>& initial_cluster) {
  const auto& c = *in.cluster;
  const auto& r = *in.release;
  const auto& local = *c.etcd.local;
  const std::string& adv = in.endpoint.advertise_address;
  std::string localhost = is_ipv6(adv) ? "::1" : "127.0.0.1";
  const std::string pki = c.certificates_dir + "/";
  std::vector<api::Arg> d = {
      {"name", in.node_name},
      {"listen-client-urls", client_url(localhost) + "," + client_url(adv)},
      {"advertise-client-urls", client_url(adv)},
      {"listen-peer-urls", peer_url(adv)},
      {"initial-advertise-peer-urls", peer_url(adv)},
      {"data-dir", local.data_dir},
      {"cert-file", pki + "etcd/server.crt"},
      {"key-file", pki + "etcd/server.key"},
      {"trusted-ca-file", pki + "etcd/ca.crt"},
      {"client-cert-auth", "true"},
      {"peer-cert-file", pki + "etcd/peer.crt"},
      {"peer-key-file", pki + "etcd/peer.key"},
      {"peer-trusted-ca-file", pki + "etcd/ca.crt"},
      {"peer-client-cert-auth", "true"},
      {"snapshot-count", "10000"},
      {"listen-metrics-urls", "http://" + net::join_host_port(localhost, kMetricsPort)},
  };
  std::string image = images::etcd_image(c);
  std::string tag = image.substr(image.rfind(':') + 1);
  bool v36 = r.etcd_v36_flags == 2 || (r.etcd_v36_flags == 1 && etcd_tag_at_least_36(tag));
  if (v36) {
    set_arg(d, "feature-gates", "InitialCorruptCheck=true");
    set_arg(d, "watch-progress-notify-interval", "5s");
  } else {
    if (r.etcd_initial_corrupt_check) set_arg(d, "experimental-initial-corrupt-check", "true");
    if (r.etcd_watch_progress_notify)
      set_arg(d, "experimental-watch-progress-notify-interval", "5s");
  }
  if (initial_cluster.empty()) {
    set_arg(d, "initial-cluster", in.node_name + "=" + peer_url(adv));
  } else {
    std::string members;
    for (const auto& m : initial_cluster)
      members += (members.empty() ? "" : ",") + m.name + "=" + m.peer_url;
    set_arg(d, "initial-cluster", members);
    set_arg(d, "initial-cluster-state", "existing");
  }
  auto cmd = arguments_to_command(d, local.extra_args);
  cmd.insert(cmd.begin(), "etcd");
  return cmd;
}

json etcd_pod(const Input& in, const std::vector<EtcdMember>& initial_cluster) {
  const auto& c = *in.cluster;
  const auto& r = *in.release;
  if (c.etcd.external || !c.etcd.local) {
    throw Error("etcd static pod manifest cannot be generated for cluster using external etcd",
                "remove etcd.external from the ClusterConfiguration, or skip the etcd phase");
  }
  const auto& local = *c.etcd.local;
  std::string certs = c.certificates_dir + "/etcd";
  Mounts m;
  m["etcd-data"] = Mount{"etcd-data", local.data_dir, local.data_dir, "DirectoryOrCreate", false};
  m["etcd-certs"] = Mount{"etcd-certs", certs, certs, "DirectoryOrCreate", false};
  json requests{{"cpu", "100m"}, {"memory", "100Mi"}};
  if (r.etcd_ephemeral_storage_request) requests["ephemeral-storage"] = "100Mi";
  Probe p = probe_endpoint(in);
  Probe live = p, start = p;
  live.path = r.etcd_liveness_path;
  start.path = r.etcd_startup_path;
  json container{{"name", "etcd"},
                 {"command", etcd_command(in, initial_cluster)},
                 {"image", images::etcd_image(c)},
                 {"imagePullPolicy", "IfNotPresent"},
                 {"resources", {{"requests", requests}}},
                 {"livenessProbe", liveness_probe(live)},
                 {"startupProbe", startup_probe(start, in.health_check_timeout)}};
  if (!r.etcd_readiness_path.empty()) {
    Probe ready = p;
    ready.path = r.etcd_readiness_path;
    container["readinessProbe"] = readiness_probe(ready);
  }
  json env = component_env(in, local.extra_envs, false);
  if (!env.empty()) container["env"] = env;
  // The mounts keep upstream's order (data, then certs), unlike the control-plane components.
  json pod = component_pod(in, container, m,
                           {{"kubeadm.kubernetes.io/etcd.advertise-client-urls",
                             client_url(in.endpoint.advertise_address)}});
  pod["spec"]["containers"][0]["volumeMounts"] =
      json::array({{{"mountPath", local.data_dir}, {"name", "etcd-data"}},
                   {{"mountPath", certs}, {"name", "etcd-certs"}}});
  return pod;
}

}  // namespace kadm::manifests
