#include "componentconfigs/kubelet.h"

#include <fmt/format.h>

#include "componentconfigs/common.h"
#include "util/net.h"

namespace kadm::componentconfigs {
namespace {

using nlohmann::json;

// Duration fields of KubeletConfiguration v1beta1 (metav1.Duration, no omitempty): the Go
// marshaller prints them as "0s" when unset.
const char* const kZeroDurations[] = {"/authentication/webhook/cacheTTL",
                                      "/authorization/webhook/cacheAuthorizedTTL",
                                      "/authorization/webhook/cacheUnauthorizedTTL",
                                      "/cpuManagerReconcilePeriod",
                                      "/evictionPressureTransitionPeriod",
                                      "/fileCheckFrequency",
                                      "/httpCheckFrequency",
                                      "/imageMinimumGCAge",
                                      "/nodeStatusReportFrequency",
                                      "/nodeStatusUpdateFrequency",
                                      "/runtimeRequestTimeout",
                                      "/shutdownGracePeriod",
                                      "/shutdownGracePeriodCriticalPods",
                                      "/streamingConnectionIdleTimeout",
                                      "/syncFrequency",
                                      "/volumeStatsAggPeriod"};

// Other duration fields a user may set; normalised like the zero ones ("1m" → "1m0s").
const char* const kOtherDurations[] = {"/imageMaximumGCAge", "/cpuCFSQuotaPeriod",
                                       "/containerLogMonitorInterval"};

}  // namespace

std::string cluster_dns_ip(const std::string& service_subnet) {
  auto subnets = net::split_comma(service_subnet);
  if (subnets.empty()) return "10.96.0.10";
  auto cidr = net::parse_cidr(subnets.front());
  if (!cidr) return "10.96.0.10";
  auto ip = net::nth_ip(*cidr, 10);
  return ip ? ip->str() : "10.96.0.10";
}

json kubelet_config(const std::optional<json>& user, const api::ClusterConfiguration& c,
                    const versions::Release& r, const KubeletHostFacts& host,
                    std::vector<std::string>* warnings) {
  const char* kind = "KubeletConfiguration";
  json k = user && user->is_object() ? *user : json::object();
  k["apiVersion"] = kKubeletAPIVersion;
  k["kind"] = kind;
  Defaulter d{k, kind, warnings};
  d.string("/staticPodPath", "/etc/kubernetes/manifests");
  std::string dns = cluster_dns_ip(c.networking.service_subnet);
  if (!k.contains("clusterDNS") || k["clusterDNS"].is_null()) {
    k["clusterDNS"] = json::array({dns});
  } else if (k["clusterDNS"] != json::array({dns})) {
    d.warn("clusterDNS", go_value(json::array({dns})), go_value(k["clusterDNS"]));
  }
  if (!k.contains("clusterDomain") || k["clusterDomain"] == "")
    k["clusterDomain"] = c.networking.dns_domain;
  else if (!c.networking.dns_domain.empty() && k["clusterDomain"] != c.networking.dns_domain)
    d.warn("clusterDomain", c.networking.dns_domain, go_value(k["clusterDomain"]));
  std::string ca = c.certificates_dir + "/ca.crt";
  d.string("/authentication/x509/clientCAFile", ca);
  d.boolean("/authentication/anonymous/enabled", false);
  d.string("/authorization/mode", "Webhook");
  d.boolean("/authentication/webhook/enabled", true);
  d.string("/healthzBindAddress", "127.0.0.1");
  d.integer("/healthzPort", 10248);
  k["rotateCertificates"] = true;
  if (!r.default_cgroup_driver.empty()) {
    if (!k.contains("cgroupDriver") || k["cgroupDriver"] == "")
      k["cgroupDriver"] = r.default_cgroup_driver;
  } else if (!host.docker_cgroup_driver.empty() &&
             (!k.contains("cgroupDriver") || k["cgroupDriver"] == "")) {
    k["cgroupDriver"] = host.docker_cgroup_driver;
  }
  if (r.dual_stack_gate_to_components) {
    auto g = c.feature_gates.find("IPv6DualStack");
    if (g != c.feature_gates.end() && g->second) k["featureGates"]["IPv6DualStack"] = true;
  }
  if (host.systemd_resolved_active) d.string("/resolvConf", kSystemdResolvConf);

  // What the Go marshaller prints for fields nobody set.
  for (const char* p : kZeroDurations) d.zero(p, "0s");
  if (r.kubelet_image_max_gc_age_field) d.zero("/imageMaximumGCAge", "0s");
  for (const char* p : kZeroDurations) normalize_duration(k, p);
  for (const char* p : kOtherDurations) normalize_duration(k, p);
  switch (r.kubelet_logging_style) {
    case 0:
      d.zero("/logging", json::object());
      break;
    default:
      d.zero("/logging/flushFrequency", 0);
      d.zero("/logging/verbosity", 0);
      d.zero("/logging/options/json/infoBufferSize", "0");
      if (r.kubelet_logging_style >= 2) d.zero("/logging/options/text/infoBufferSize", "0");
      break;
  }
  if (r.kubelet_memory_swap_field) d.zero("/memorySwap", json::object());
  if (r.kubelet_runtime_endpoint_field) d.zero("/containerRuntimeEndpoint", "");
  if (r.kubelet_crash_loop_backoff_field) d.zero("/crashLoopBackOff", json::object());
  return k;
}

}  // namespace kadm::componentconfigs
