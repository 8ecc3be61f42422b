// The stacked etcd of a joining control plane (reference §5.1): check-etcd (the cluster is
// healthy before this node touches it), and the member add that control-plane-join/etcd (or,
// with ControlPlaneKubeletLocalMode, etcd-join) performs: announce the member (as a learner on
// releases that do so), write the etcd static Pod with the resulting --initial-cluster, promote
// the learner once it is in sync, and wait until every member answers.
#include "manifests/etcd.h"

#include <fmt/format.h>

#include <thread>

#include "api/yaml_reader.h"
#include "etcd/client.h"
#include "host/fs.h"
#include "kube/apply.h"
#include "kubeconfig/files.h"
#include "phases/init/static_pod_io.h"
#include "phases/join/phases.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases::join {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kEtcdURLsAnnotation = "kubeadm.kubernetes.io/etcd.advertise-client-urls";

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The etcd client URLs of the control plane: the annotation kubeadm puts on each etcd static
// Pod; releases that keep a ClusterStatus fall back to its API endpoints (upstream
// GetEtcdEndpoints / getEtcdEndpointsWithBackoff).
std::vector<std::string> etcd_endpoints(JoinData& d, kube::Client& client) {
  std::vector<std::string> eps;
  std::string last;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (eps.empty()) {
    auto r = client.list(kube::Ref{"v1", "pods", "kube-system", ""},
                         "component=etcd,tier=control-plane");
    if (r.status.ok()) {
      for (const auto& pod : r.object.value("items", kube::json::array())) {
        auto ann = pod["metadata"].value("annotations", kube::json::object());
        if (ann.contains(kEtcdURLsAnnotation) && ann[kEtcdURLsAnnotation].is_string())
          for (const auto& u : split(ann[kEtcdURLsAnnotation].get<std::string>(), ','))
            if (std::find(eps.begin(), eps.end(), u) == eps.end()) eps.push_back(u);
      }
      if (eps.empty())
        last = "no etcd Pod carries the " + std::string(kEtcdURLsAnnotation) + " annotation";
    } else {
      last = r.status.describe();
    }
    if (!eps.empty() || client.dry_run()) break;
    if (d.release().cluster_status) {
      auto cm = client.get(kube::Ref{"v1", "configmaps", "kube-system", "kubeadm-config"});
      if (cm.status.ok()) {
        const auto data = cm.object.value("data", kube::json::object());
        if (data.contains("ClusterStatus") && data["ClusterStatus"].is_string()) {
          auto docs = api::parse_documents(data["ClusterStatus"].get<std::string>(),
                                           "kubeadm-config ClusterStatus");
          if (!docs.empty()) {
            auto status = api::to_json(docs.front().root);
            for (const auto& [node, ep] :
                 status.value("apiEndpoints", kube::json::object()).items())
              eps.push_back(etcd::client_url(ep.value("advertiseAddress", "")));
          }
        }
      }
      if (!eps.empty()) break;
    }
    if (Clock::now() >= deadline)
      throw Error(fmt::format("could not find the etcd endpoints of the cluster: {}", last),
                  "the etcd static Pods of the existing control-plane nodes must run and be "
                  "annotated by kubeadm/kadm");
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  log::v(1, "etcd endpoints read from pods: {}", fmt::join(eps, ","));
  return eps;
}

etcd::Client etcd_client(JoinData& d, kube::Client& client) {
  std::string dir = d.cert_dir();
  net::TlsConfig tls;
  auto read = [&](const std::string& f) {
    auto text = host::read_file(dir + "/" + f);
    if (!text)
      throw Error(fmt::format("{}/{} is missing", d.cluster().certificates_dir, f),
                  "run 'kadm join phase control-plane-prepare certs' first");
    return *text;
  };
  tls.ca_pem = read("etcd/ca.crt");
  tls.client_cert_pem = read("etcd/healthcheck-client.crt");
  tls.client_key_pem = read("etcd/healthcheck-client.key");
  etcd::Client c(etcd_endpoints(d, client), etcd::https_poster(tls));
  if (!client.dry_run()) {
    try {
      c.sync();
      log::v(1, "etcd endpoints read from etcd: {}", fmt::join(c.endpoints(), ","));
    } catch (const Error& e) {
      log::v(5, "Failed to sync etcd endpoints: {}", e.what());
    }
  }
  return c;
}

// Every member answers its status call (upstream WaitForClusterAvailable).
// Upstream allows 8 × 5 s ("This can take up to 40s"); a loaded machine can take longer to start
// the new member's static Pod, so kadm allows timeouts.etcdAPICall (2m) and polls every second.
void wait_cluster_available(etcd::Client& c, const std::string& own_client_url, Duration timeout) {
  log::progress(
      "[etcd] Waiting for the new etcd member to join the cluster. This can take up to {}",
      format_duration(timeout));
  auto deadline = Clock::now() + timeout;
  std::string last;
  for (;;) {
    std::vector<std::string> eps = c.endpoints();
    if (std::find(eps.begin(), eps.end(), own_client_url) == eps.end())
      eps.push_back(own_client_url);
    last.clear();
    for (const auto& ep : eps)
      if (auto err = c.status(ep)) last += (last.empty() ? "" : "; ") + ep + ": " + *err;
    if (last.empty()) return;
    if (Clock::now() >= deadline) break;
    log::v(1, "[etcd] Attempt failed with error: {}", last);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  throw Error(
      fmt::format("etcd cluster is not healthy after {}: {}", format_duration(timeout), last),
      "look at the new etcd member's log (crictl logs on this node, or "
      "/var/log/pods/kube-system_etcd-*)",
      kExitTimeout);
}

bool learner_join(JoinData& d) {
  switch (d.release().etcd_learner_join) {
    case 0:
      return false;
    case 1:
      return kubeconfig::feature_enabled(d.cluster(), d.release(), "EtcdLearnerMode");
    default:
      return true;
  }
}

}  // namespace

void join_etcd(JoinData& d) {
  const auto& cluster = d.cluster();
  if (cluster.etcd.external) {
    log::progress("[control-plane-join] Using external etcd - no local stacked instance added");
    return;
  }
  const auto& local = *cluster.etcd.local;
  if (d.dry_run) {
    log::progress("[control-plane-join] Would ensure that \"{}\" directory is present",
                  local.data_dir);
  } else {
    host::make_dirs(local.data_dir, 0700);
  }
  auto& client = d.admin_client();
  auto ec = etcd_client(d, client);
  const auto& ep = d.init_cfg().local_api_endpoint;
  std::string peer = etcd::peer_url(ep.advertise_address);
  const std::string& name = d.cfg.node_registration.name;
  bool learner = learner_join(d);

  std::vector<manifests::EtcdMember> initial;
  if (d.dry_run) {
    log::progress("[dryrun] Would add etcd member {} ({}) through {}", peer,
                  learner ? "as a learner" : "voting", fmt::join(ec.endpoints(), ","));
    initial.push_back({name, peer});
  } else {
    log::v(1, "[etcd] Getting the list of existing members");
    auto members = ec.list();
    bool exists = false;
    for (const auto& m : members)
      for (const auto& u : m.peer_urls) exists = exists || u == peer;
    log::v(1, "[etcd] Checking if the etcd member already exists: {}", peer);
    if (exists) {
      log::v(1, "[etcd] Etcd member already exists: {}", peer);
    } else {
      log::v(1, "[etcd] Adding etcd member: {}", peer);
      kube::poll_immediate("etcd member add", std::chrono::milliseconds(500), d.etcd_timeout(),
                           [&]() -> std::optional<std::string> {
                             try {
                               members = ec.add(peer, learner).members;
                               return std::nullopt;
                             } catch (const Error& e) {
                               return std::string(e.what());
                             }
                           });
      if (learner)
        log::progress(
            "[etcd] Announced new etcd member joining to the existing etcd cluster as a learner");
      else
        log::progress("[etcd] Announced new etcd member joining to the existing etcd cluster");
    }
    for (const auto& m : members) {
      if (m.peer_urls.empty()) continue;
      bool own = m.peer_urls.front() == peer;
      initial.push_back({own ? name : etcd::display_name(m), m.peer_urls.front()});
    }
    log::v(1, "Updated etcd member list: {}", initial.size());
  }
  log::progress("[etcd] Creating static Pod manifest for \"etcd\"");
  manifests::Input in;
  in.cluster = &cluster;
  in.endpoint = ep;
  in.node_name = name;
  in.health_check_timeout = d.control_plane_timeout();
  in.release = &d.release();
  in.host = gather_host_view(cluster.certificates_dir);
  write_join_static_pod(d, "etcd", manifests::etcd_pod(in, initial));
  if (d.dry_run) return;

  if (learner) {
    log::progress("[etcd] Promoting the learner {} to a voting member once it is in sync", peer);
    kube::poll_immediate("etcd member promote", std::chrono::milliseconds(500), d.etcd_timeout(),
                         [&]() -> std::optional<std::string> {
                           std::vector<etcd::Member> ms;
                           try {
                             ms = ec.list();
                           } catch (const Error& e) {
                             return std::string(e.what());
                           }
                           for (const auto& m : ms) {
                             if (m.peer_urls.empty() || m.peer_urls.front() != peer) continue;
                             if (!m.learner) return std::nullopt;  // already voting
                             return ec.promote(m.id);
                           }
                           return std::string("the member ") + peer + " is not in the member list";
                         });
  }
  wait_cluster_available(ec, etcd::client_url(ep.advertise_address), d.etcd_timeout());
}

workflow::Phase check_etcd_phase() {
  workflow::Phase p;
  p.name = "check-etcd";
  p.short_help = "Check that the etcd cluster is healthy";
  p.hidden = true;
  p.inherit_flags = {"config", "control-plane", "dry-run"};
  p.run_if = [](workflow::Context& ctx) { return ctx.data<JoinData>().control_plane(); };
  p.run = [](workflow::Context& ctx) {
    auto& d = ctx.data<JoinData>();
    if (d.cluster().etcd.external) {
      log::progress("[check-etcd] Skipping etcd check in external mode");
      return;
    }
    log::progress("[check-etcd] Checking that the etcd cluster is healthy");
    auto& client = d.admin_client();
    auto ec = etcd_client(d, client);
    if (client.dry_run()) return;
    std::string bad;
    for (const auto& e : ec.endpoints())
      if (auto err = ec.status(e)) bad += (bad.empty() ? "" : "; ") + e + ": " + *err;
    if (!bad.empty())
      throw Error(fmt::format("etcd cluster is not healthy: {}", bad),
                  "a new member can only join a healthy etcd cluster; look at the etcd Pods of the "
                  "existing "
                  "control-plane nodes");
  };
  return p;
}

workflow::Phase etcd_join_phase() {
  workflow::Phase p;
  p.name = "etcd-join";
  p.short_help =
      "[EXPERIMENTAL] Join etcd for control plane nodes (only used when feature gate "
      "ControlPlaneKubeletLocalMode is enabled)";
  p.example = "  # Joins etcd for a control plane instance\n  kadm join phase etcd-join";
  p.hidden = true;
  p.inherit_flags = {
      "config", "control-plane", "node-name", "patches", "apiserver-advertise-address", "dry-run"};
  p.run_if = [](workflow::Context& ctx) {
    auto& d = ctx.data<JoinData>();
    return d.control_plane() && kubelet_local_mode(d);
  };
  p.run = [](workflow::Context& ctx) { join_etcd(ctx.data<JoinData>()); };
  return p;
}

}  // namespace kadm::phases::join
