#include "preflight/node_checks.h"

#include <fmt/format.h>

#include "images/images.h"
#include "preflight/checks.h"
#include "util/net.h"

namespace kadm::preflight {
namespace {

constexpr const char* kBridgeNF = "/proc/sys/net/bridge/bridge-nf-call-iptables";
constexpr const char* kBridgeNF6 = "/proc/sys/net/bridge/bridge-nf-call-ip6tables";
constexpr const char* kIPv4Forward = "/proc/sys/net/ipv4/ip_forward";
constexpr const char* kIPv6Forward = "/proc/sys/net/ipv6/conf/default/forwarding";
constexpr int kControlPlaneCPUs = 2;
constexpr uint64_t kControlPlaneMemMB = 1700;

std::string min_kubelet(const versions::Release& r) {
  return fmt::format("v{}.{}.0", versions::kMajor, r.minor - r.preflight_kubelet_skew);
}

void add_ipv4_checks(std::vector<Check>& c) { c.push_back(file_content(kIPv4Forward, "1")); }

void add_ipv6_checks(std::vector<Check>& c, const versions::Release& r) {
  if (r.preflight_bridge_netfilter) c.push_back(file_content(kBridgeNF6, "1"));
  c.push_back(file_content(kIPv6Forward, "1"));
}

// upstream addCommonChecks.
void add_common_checks(std::vector<Check>& c, const std::string& k8s_version,
                       const api::NodeRegistrationOptions& node, const versions::Release& r) {
  c.push_back(cri());
  bool docker = r.kubelet_dockershim && is_docker_socket(node.cri_socket);
  if (docker) {
    c.push_back(service("docker", true));
    c.push_back(is_docker_systemd());
  }
  if (!docker && r.preflight_crictl > 0) c.push_back(in_path("crictl", r.preflight_crictl == 2));
  if (r.preflight_bridge_netfilter) {
    // Up to v1.29 the bridge and forwarding sysctls were common checks.
    c.push_back(file_content(kBridgeNF, "1"));
    c.push_back(file_content(kIPv4Forward, "1"));
  }
  c.push_back(swap(static_cast<SwapStyle>(r.preflight_swap_style)));
  if (r.preflight_conntrack) c.push_back(in_path("conntrack", true));
  for (const char* e : {"ip", "iptables", "mount", "nsenter"}) c.push_back(in_path(e, true));
  for (const char* e : {"ebtables", "ethtool", "socat", "tc", "touch"}) c.push_back(in_path(e, false));
  c.push_back(system_verification(docker));
  c.push_back(hostname(node.name, r.preflight_hostname_format));
  c.push_back(kubelet_version(k8s_version, min_kubelet(r)));
  c.push_back(service("kubelet", false));
  c.push_back(port_open(kKubeletPort));
}

bool family_of(const std::string& ip_or_cidr, bool* v4, bool* v6) {
  if (auto c = net::parse_cidr(ip_or_cidr)) {
    (c->ip.v6 ? *v6 : *v4) = true;
    return true;
  }
  if (auto ip = net::parse_ip(ip_or_cidr)) {
    (ip->v6 ? *v6 : *v4) = true;
    return true;
  }
  return false;
}

}  // namespace

bool is_docker_socket(const std::string& s) {
  return s.find("dockershim.sock") != std::string::npos || s.find("/docker.sock") != std::string::npos;
}

std::vector<Check> root_checks() { return {is_privileged_user()}; }

std::vector<Check> init_checks(const InitInputs& in) {
  const auto& r = in.release;
  const auto& cfg = in.init;
  const auto& cl = in.cluster;
  const std::string& md = in.paths.manifests_dir;
  std::vector<Check> c = {
      num_cpu(kControlPlaneCPUs),
      mem(kControlPlaneMemMB),
      kubernetes_version(in.kubernetes_version),
      firewalld({cfg.local_api_endpoint.bind_port, kKubeletPort}),
      port_open(cfg.local_api_endpoint.bind_port),
      port_open(kSchedulerPort),
      port_open(kControllerManagerPort),
      file_available(md + "/kube-apiserver.yaml"),
      file_available(md + "/kube-controller-manager.yaml"),
      file_available(md + "/kube-scheduler.yaml"),
      file_available(md + "/etcd.yaml"),
      http_proxy("https", cfg.local_api_endpoint.advertise_address),
  };
  bool v4 = false, v6 = false;
  for (const auto& cidr : net::split_comma(cl.networking.service_subnet)) {
    c.push_back(http_proxy_cidr("https", cidr));
    family_of(cidr, &v4, &v6);
  }
  auto pods = net::split_comma(cl.networking.pod_subnet);
  if (pods.empty()) pods.push_back("");
  for (const auto& cidr : pods) {
    c.push_back(http_proxy_cidr("https", cidr));
    family_of(cidr, &v4, &v6);
  }
  if (!in.secondary_control_plane) {
    add_common_checks(c, in.kubernetes_version, cfg.node_registration, r);
    bool adv4 = false, adv6 = false;
    family_of(cfg.local_api_endpoint.advertise_address, &adv4, &adv6);
    if (r.preflight_bridge_netfilter) {
      // v1.29 and older: the forwarding checks were common; IPv6 ones followed the address.
      if (adv6) add_ipv6_checks(c, r);
    } else {
      if (v4 || adv4) add_ipv4_checks(c);
      if (v6 || adv6) add_ipv6_checks(c, r);
    }
    if (cl.etcd.external) c.push_back(external_etcd_version(*cl.etcd.external, r.preflight_min_external_etcd));
  }
  if (cl.etcd.local) {
    c.push_back(port_open(kEtcdClientPort));
    c.push_back(port_open(kEtcdPeerPort));
    c.push_back(dir_available(cl.etcd.local->data_dir));
  }
  if (cl.etcd.external && !(in.secondary_control_plane && in.download_certs)) {
    const auto& e = *cl.etcd.external;
    for (const auto* f : {&e.ca_file, &e.cert_file, &e.key_file})
      if (!f->empty()) c.push_back(file_existing(*f, "ExternalEtcdClientCertificates"));
  }
  return c;
}

std::vector<Check> join_checks(const JoinInputs& in) {
  const auto& r = in.release;
  const auto& j = in.join;
  std::vector<Check> c;
  if (r.preflight_join_manifests_dir) c.push_back(dir_available(in.paths.manifests_dir));
  c.push_back(file_available(in.paths.kubernetes_dir + "/kubelet.conf"));
  c.push_back(file_available(in.paths.kubernetes_dir + "/bootstrap-kubelet.conf"));
  add_common_checks(c, "", j.node_registration, r);
  if (!j.control_plane) c.push_back(file_available(j.ca_cert_path));
  if (j.discovery.bootstrap_token) {
    std::string host;
    int port = 0;
    if (net::split_host_port(j.discovery.bootstrap_token->api_server_endpoint, &host, &port)) {
      c.push_back(http_proxy("https", host));
      bool v4 = false, v6 = false;
      family_of(host, &v4, &v6);
      if (r.preflight_bridge_netfilter) {
        if (v6) add_ipv6_checks(c, r);
      } else {
        if (v4) add_ipv4_checks(c);
        if (v6) add_ipv6_checks(c, r);
      }
    }
  }
  return c;
}

std::vector<Check> pull_images_checks(const api::ClusterConfiguration& cluster,
                                      const api::NodeRegistrationOptions& node) {
  ImagePullOptions o;
  o.images = images::control_plane_images(cluster);
  o.sandbox_image = images::pause_image(cluster);
  o.policy = node.image_pull_policy.empty() ? "IfNotPresent" : node.image_pull_policy;
  o.serial = node.image_pull_serial.value_or(true);
  return {image_pull(o)};
}

}  // namespace kadm::preflight
