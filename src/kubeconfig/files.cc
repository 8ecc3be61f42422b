#include "kubeconfig/files.h"

#include <fmt/format.h>

#include "host/fs.h"
#include "util/error.h"
#include "util/log.h"
#include "util/net.h"

namespace kadm::kubeconfig {
namespace {

[[noreturn]] void fail_file(const std::string& file, const std::string& message,
                            const std::string& hint) {
  throw Error(SourceLocation{file, "", "", 0, 0}, message, hint, kExitFailure);
}

std::string url(const std::string& host, int port) {
  return "https://" + net::join_host_port(host, port);
}

void check_advertise(const std::string& addr) {
  if (!net::parse_ip(addr)) {
    throw Error(SourceLocation{"", "InitConfiguration", "localAPIEndpoint.advertiseAddress", 0, 0},
                fmt::format("\"{}\" is not a valid IP address", addr),
                "set an IP address of this host, or pass --apiserver-advertise-address",
                kExitConfig);
  }
}

}  // namespace

std::vector<std::string> init_file_names(const versions::Release& r) {
  std::vector<std::string> out = {kAdmin};
  if (r.admin_is_cluster_admins) out.push_back(kSuperAdmin);
  out.insert(out.end(), {kKubelet, kControllerManager, kScheduler});
  return out;
}

std::string local_api_url(const api::InitConfiguration& init) {
  check_advertise(init.local_api_endpoint.advertise_address);
  return url(init.local_api_endpoint.advertise_address, init.local_api_endpoint.bind_port);
}

std::string control_plane_url(const api::InitConfiguration& init,
                              const api::ClusterConfiguration& cluster) {
  const std::string& cpe = cluster.control_plane_endpoint;
  if (cpe.empty()) return local_api_url(init);
  std::string host;
  int port = 0;
  if (net::split_host_port(cpe, &host, &port)) {
    if (port != init.local_api_endpoint.bind_port)
      log::progress(
          "[endpoint] WARNING: port specified in controlPlaneEndpoint overrides bindPort in the "
          "controlplane address");
    return url(host, port);
  }
  // No port: the API server's bind port (upstream GetControlPlaneEndpoint).
  return url(cpe, init.local_api_endpoint.bind_port);
}

bool feature_enabled(const api::ClusterConfiguration& cluster, const versions::Release& r,
                     const std::string& gate) {
  if (auto it = cluster.feature_gates.find(gate); it != cluster.feature_gates.end())
    return it->second;
  for (const auto& g : r.feature_gates)
    if (g.name == gate) return g.default_on;
  return false;
}

FileSpec file_spec(const std::string& file_name, const api::InitConfiguration& init,
                   const api::ClusterConfiguration& cluster, const versions::Release& r) {
  FileSpec s;
  s.file_name = file_name;
  // Upstream works out the control-plane URL for every file (and warns each time when the
  // endpoint's port overrides the bind port), whichever URL the file ends up with.
  std::string cp_url = control_plane_url(init, cluster);
  if (file_name == kAdmin) {
    // v1.29+: admin.conf is bound to kubeadm:cluster-admins by RBAC; the break-glass
    // system:masters identity moved to super-admin.conf (kubernetes/kubeadm#2414).
    s.client_name = "kubernetes-admin";
    s.organizations = {r.admin_is_cluster_admins ? "kubeadm:cluster-admins" : "system:masters"};
    s.server = cp_url;
  } else if (file_name == kSuperAdmin) {
    s.client_name = "kubernetes-super-admin";
    s.organizations = {"system:masters"};
    s.server = cp_url;
  } else if (file_name == kKubelet) {
    s.client_name = "system:node:" + init.node_registration.name;
    s.organizations = {"system:nodes"};
    // With ControlPlaneKubeletLocalMode the control-plane kubelet talks to its local API server.
    s.server =
        feature_enabled(cluster, r, "ControlPlaneKubeletLocalMode") ? local_api_url(init) : cp_url;
  } else if (file_name == kControllerManager || file_name == kScheduler) {
    // Since v1.19.1 (kubernetes/kubernetes#94398) these use the local API endpoint.
    s.client_name =
        file_name == kScheduler ? "system:kube-scheduler" : "system:kube-controller-manager";
    s.server = local_api_url(init);
  } else {
    throw Error("internal: unknown kubeconfig file " + file_name);
  }
  return s;
}

std::string pool_name(const std::string& file_name) {
  return "kubeconfig/" + file_name;
}

Config client_cert_config(const FileSpec& spec, const std::string& cluster_name,
                          const pki::Certificate& ca, const pki::Key& ca_key,
                          const pki::PkiInputs& in, const pki::Key& client_key) {
  pki::CertSpec cs = pki::client_spec(spec.client_name, spec.organizations, in, ca);
  pki::Certificate cert = pki::create_signed(cs, client_key, ca, ca_key);
  return with_client_cert(spec.server, cluster_name, spec.client_name, ca.pem(),
                          client_key.private_pem(), cert.pem());
}

void check_file(const std::string& path, const std::string& server, const pki::Certificate& ca) {
  Config cfg = load(path);
  Current cur = current(cfg, path);
  if (cur.ca_pem.empty())
    fail_file(path, "the kubeconfig has no certificate-authority-data",
              "remove the file to let kadm write it again");
  auto have_ca = pki::parse_certificate(cur.ca_pem, path);
  if (have_ca.pem() != ca.pem())
    fail_file(path,
              fmt::format("the kubeconfig trusts a different CA (\"{}\") than the cluster CA",
                          have_ca.common_name()),
              "remove the file to let kadm write it for the current CA");
  if (cur.cluster.server != server)
    fail_file(path,
              fmt::format("the kubeconfig points at API server {} but {} is expected",
                          cur.cluster.server, server),
              "fix the server URL in the file or in the configuration, or remove the file to let "
              "kadm write it again");
  if (!cur.cert_pem.empty()) {
    auto client = pki::parse_certificate(cur.cert_pem, path);
    if (!client.signed_by(ca))
      fail_file(path, "the kubeconfig's client certificate is not signed by the cluster CA",
                "remove the file to let kadm write it again");
  }
}

Outcome ensure_file(const std::string& dir, const FileSpec& spec, const std::string& cluster_name,
                    const pki::Certificate& ca, const std::optional<pki::Key>& ca_key,
                    const pki::PkiInputs& in, pki::KeyPool& pool) {
  std::string path = dir + "/" + spec.file_name;
  if (host::exists(path)) {
    check_file(path, spec.server, ca);
    return Outcome::kReused;
  }
  if (!ca_key) {
    fail_file(path,
              "the kubeconfig file does not exist and the CA key is missing (external CA mode)",
              "create the file with a client certificate signed by your CA, or provide ca.key");
  }
  pki::Key key = pool.take(pool_name(spec.file_name), in.algorithm);
  Config cfg = client_cert_config(spec, cluster_name, ca, *ca_key, in, key);
  host::write_file_atomic(path, serialize(cfg), 0600);
  return Outcome::kWritten;
}

}  // namespace kadm::kubeconfig
