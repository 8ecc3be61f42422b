#include "componentconfigs/kube_proxy.h"

#include "componentconfigs/common.h"
#include "util/net.h"

namespace kadm::componentconfigs {

using nlohmann::json;

json kube_proxy_config(const std::optional<json>& user, const api::ClusterConfiguration& c,
                       const std::string& advertise_address, const versions::Release& r,
                       std::vector<std::string>* warnings) {
  const char* kind = "KubeProxyConfiguration";
  json k = user && user->is_object() ? *user : json::object();
  k["apiVersion"] = kKubeProxyAPIVersion;
  k["kind"] = kind;
  Defaulter d{k, kind, warnings};
  auto ip = net::parse_ip(advertise_address);
  d.string("/bindAddress", ip && ip->v6 ? "::" : "0.0.0.0");
  if (!c.networking.pod_subnet.empty()) d.string("/clusterCIDR", c.networking.pod_subnet);
  d.string("/clientConnection/kubeconfig", "/var/lib/kube-proxy/kubeconfig.conf");
  if (r.dual_stack_gate_to_components) {
    auto g = c.feature_gates.find("IPv6DualStack");
    if (g != c.feature_gates.end() && g->second) k["featureGates"]["IPv6DualStack"] = true;
  }

  // Zero values of kubeproxy.config.k8s.io/v1alpha1 as kubeadm v1.20 prints them.
  const std::pair<const char*, json> zeros[] = {
      {"/bindAddressHardFail", false},
      {"/clientConnection/acceptContentTypes", ""},
      {"/clientConnection/burst", 0},
      {"/clientConnection/contentType", ""},
      {"/clientConnection/qps", 0},
      {"/clusterCIDR", ""},
      {"/configSyncPeriod", "0s"},
      {"/conntrack/maxPerCore", nullptr},
      {"/conntrack/min", nullptr},
      {"/conntrack/tcpCloseWaitTimeout", nullptr},
      {"/conntrack/tcpEstablishedTimeout", nullptr},
      {"/detectLocalMode", ""},
      {"/enableProfiling", false},
      {"/healthzBindAddress", ""},
      {"/hostnameOverride", ""},
      {"/iptables/masqueradeAll", false},
      {"/iptables/masqueradeBit", nullptr},
      {"/iptables/minSyncPeriod", "0s"},
      {"/iptables/syncPeriod", "0s"},
      {"/ipvs/excludeCIDRs", nullptr},
      {"/ipvs/minSyncPeriod", "0s"},
      {"/ipvs/scheduler", ""},
      {"/ipvs/strictARP", false},
      {"/ipvs/syncPeriod", "0s"},
      {"/ipvs/tcpFinTimeout", "0s"},
      {"/ipvs/tcpTimeout", "0s"},
      {"/ipvs/udpTimeout", "0s"},
      {"/metricsBindAddress", ""},
      {"/mode", ""},
      {"/nodePortAddresses", nullptr},
      {"/oomScoreAdj", nullptr},
      {"/portRange", ""},
      {"/showHiddenMetricsForVersion", ""},
      {"/winkernel/enableDSR", false},
      {"/winkernel/networkName", ""},
      {"/winkernel/sourceVip", ""},
  };
  for (const auto& [p, v] : zeros) d.zero(p, v);
  // Fields later releases added to the type (approximate: from the v1alpha1 types' history).
  if (r.minor <= 28) d.zero("/udpIdleTimeout", "0s");
  if (r.minor >= 22) {
    d.zero("/detectLocal/bridgeInterface", "");
    d.zero("/detectLocal/interfaceNamePrefix", "");
    d.zero("/winkernel/forwardHealthCheckVip", false);
    d.zero("/winkernel/rootHnsEndpointName", "");
  }
  if (r.minor >= 25) {
    d.zero("/logging/flushFrequency", 0);
    d.zero("/logging/verbosity", 0);
    d.zero("/logging/options/json/infoBufferSize", "0");
    if (r.minor >= 28) d.zero("/logging/options/text/infoBufferSize", "0");
  }
  if (r.minor >= 27) d.zero("/iptables/localhostNodePorts", nullptr);
  if (r.minor >= 29) {
    d.zero("/nftables/masqueradeAll", false);
    d.zero("/nftables/masqueradeBit", nullptr);
    d.zero("/nftables/minSyncPeriod", "0s");
    d.zero("/nftables/syncPeriod", "0s");
    d.zero("/conntrack/udpStreamTimeout", "0s");
    d.zero("/conntrack/udpTimeout", "0s");
  }
  return k;
}

}  // namespace kadm::componentconfigs
