#include "addons/coredns.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "images/images.h"
#include "util/error.h"
#include "util/net.h"

namespace kadm::addons {
namespace {

const char* kNamespace = "kube-system";

json metadata(const std::string& name, bool namespaced = true) {
  json m = {{"name", name}};
  if (namespaced) m["namespace"] = kNamespace;
  return m;
}

// Keeps the entries whose host is an IP address ("1.2.3.4", "1.2.3.4:5353", "[::1]:53").
std::vector<std::string> only_ips(const std::vector<std::string>& values,
                                  std::vector<std::string>* warnings) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::string host = v;
    int port = 0;
    if (!net::split_host_port(v, &host, &port)) host = v;
    if (net::parse_ip(host)) {
      out.push_back(v);
    } else if (warnings) {
      warnings->push_back(fmt::format(
          "your kube-dns configuration contains a hostname {}. It will be omitted in the "
          "translation to CoreDNS as hostnames are unsupported",
          host));
    }
  }
  return out;
}

std::vector<std::string> string_list(const json& v, const std::string& key) {
  std::vector<std::string> out;
  if (!v.is_array()) throw Error(fmt::format("kube-dns ConfigMap: \"{}\" is not a JSON list", key));
  for (const auto& e : v) {
    if (!e.is_string())
      throw Error(fmt::format("kube-dns ConfigMap: \"{}\" holds a non-string", key));
    out.push_back(e.get<std::string>());
  }
  return out;
}

json parse_key(const json& data, const std::string& key) {
  json parsed = json::parse(data[key].get<std::string>(), nullptr, false);
  if (parsed.is_discarded())
    throw Error(
        fmt::format("failed to parse JSON from the \"{}\" key of the kube-dns ConfigMap", key),
        "fix or remove that key of kube-system/kube-dns, then run the phase again");
  return parsed;
}

std::string collapse_whitespace(const std::string& s) {
  std::string out;
  bool space = false;
  for (unsigned char c : s) {
    if (std::isspace(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

KubeDNSTranslation translate_kube_dns(const json& cm, std::vector<std::string>* warnings) {
  KubeDNSTranslation t;
  if (!cm.is_object() || !cm.contains("data") || !cm["data"].is_object()) return t;
  const json& data = cm["data"];
  if (data.contains("upstreamNameservers") && data["upstreamNameservers"].is_string()) {
    auto ips = only_ips(string_list(parse_key(data, "upstreamNameservers"), "upstreamNameservers"),
                        warnings);
    std::string joined;
    for (const auto& ip : ips) joined += (joined.empty() ? "" : " ") + ip;
    t.upstream_nameservers = joined;
  }
  if (data.contains("stubDomains") && data["stubDomains"].is_string()) {
    json stub = parse_key(data, "stubDomains");
    if (!stub.is_object()) throw Error("kube-dns ConfigMap: \"stubDomains\" is not a JSON object");
    // Upstream walks a Go map (random order); kadm writes the domains sorted.
    std::vector<std::string> blocks;
    for (const auto& [domain, hosts] : stub.items()) {
      auto ips = only_ips(string_list(hosts, "stubDomains"), warnings);
      if (ips.empty()) continue;
      std::string forward = "forward .";
      for (const auto& ip : ips) forward += " " + ip;
      // caddyfile.FromJSON's layout, indented by 4 with tabs as 3 spaces (prepCorefileFormat).
      blocks.push_back(fmt::format(
          "    {}:53 {{\n       errors\n       cache 30\n       loop\n       {}\n    }}", domain,
          forward));
    }
    std::sort(blocks.begin(), blocks.end());
    std::string out;
    for (const auto& b : blocks) out += (out.empty() ? "\n" : "\n    \n") + b;
    t.stub_domains = out;
  }
  return t;
}

std::string corefile(const std::string& domain, const versions::Release& r,
                     const KubeDNSTranslation& kd) {
  std::string cache = "    cache 30\n";
  if (r.coredns_cache_disable_domain && !domain.empty())
    cache = fmt::format(
        "    cache 30 {{\n       disable success {0}\n       disable denial {0}\n    }}\n", domain);
  return fmt::format(
      ".:53 {{\n"
      "    errors\n"
      "    health {{\n"
      "       lameduck 5s\n"
      "    }}\n"
      "    ready\n"
      "    kubernetes {0} in-addr.arpa ip6.arpa {{\n"
      "       pods insecure\n"
      "       fallthrough in-addr.arpa ip6.arpa\n"
      "       ttl 30\n"
      "    }}\n"
      "    prometheus :9153\n"
      "    forward . {1} {{\n"
      "       max_concurrent 1000\n"
      "    }}\n"
      "{2}"
      "    loop\n"
      "    reload\n"
      "    loadbalance\n"
      "}}{3}\n",
      domain, kd.upstream_nameservers, cache, kd.stub_domains);
}

bool is_default_corefile(const std::string& existing) {
  // The domain kubeadm wrote is the first word after "kubernetes".
  std::string flat = collapse_whitespace(existing);
  auto pos = flat.find(" kubernetes ");
  if (pos == std::string::npos) return false;
  std::string rest = flat.substr(pos + 12);
  std::string domain = rest.substr(0, rest.find(' '));
  for (int m = versions::kOldestMinor; m <= versions::kNewestMinor; ++m) {
    const auto* r = versions::find_release(m);
    if (r && collapse_whitespace(corefile(domain, *r)) == flat) return true;
  }
  return false;
}

std::string dns_service_ip(const std::string& service_subnet) {
  auto subnets = net::split_comma(service_subnet);
  auto cidr = subnets.empty() ? std::nullopt : net::parse_cidr(subnets.front());
  if (!cidr)
    throw Error(SourceLocation{"", "ClusterConfiguration", "networking.serviceSubnet", 0, 0},
                fmt::format("couldn't parse service subnet CIDR \"{}\"", service_subnet),
                "set networking.serviceSubnet (or --service-cidr) to a CIDR such as 10.96.0.0/12");
  auto ip = net::nth_ip(*cidr, 10);
  if (!ip)
    throw Error(SourceLocation{"", "ClusterConfiguration", "networking.serviceSubnet", 0, 0},
                fmt::format("unable to get the 10th IP address of service subnet {}", cidr->str()),
                "use a service subnet with at least 10 addresses");
  return ip->str();
}

CoreDNSObjects coredns_objects(const api::ClusterConfiguration& c, const versions::Release& r,
                               int replicas, const KubeDNSTranslation& kube_dns) {
  CoreDNSObjects o;
  const json selector = {{"k8s-app", "kube-dns"}};

  o.config_map = {{"apiVersion", "v1"},
                  {"kind", "ConfigMap"},
                  {"metadata", metadata("coredns")},
                  {"data", {{"Corefile", corefile(c.networking.dns_domain, r, kube_dns)}}}};

  json rules = json::array();
  rules.push_back({{"apiGroups", {""}},
                   {"resources", {"endpoints", "services", "pods", "namespaces"}},
                   {"verbs", {"list", "watch"}}});
  if (r.coredns_rbac_get_nodes)
    rules.push_back({{"apiGroups", {""}}, {"resources", {"nodes"}}, {"verbs", {"get"}}});
  if (r.coredns_rbac_endpointslices)
    rules.push_back({{"apiGroups", {"discovery.k8s.io"}},
                     {"resources", {"endpointslices"}},
                     {"verbs", {"list", "watch"}}});
  o.cluster_role = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                    {"kind", "ClusterRole"},
                    {"metadata", metadata("system:coredns", false)},
                    {"rules", rules}};

  o.cluster_role_binding = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRoleBinding"},
      {"metadata", metadata("system:coredns", false)},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"},
        {"kind", "ClusterRole"},
        {"name", "system:coredns"}}},
      {"subjects", {{{"kind", "ServiceAccount"}, {"name", "coredns"}, {"namespace", kNamespace}}}}};

  o.service_account = {
      {"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", metadata("coredns")}};

  json ports = json::array({
      {{"containerPort", 53}, {"name", "dns"}, {"protocol", "UDP"}},
      {{"containerPort", 53}, {"name", "dns-tcp"}, {"protocol", "TCP"}},
      {{"containerPort", 9153}, {"name", "metrics"}, {"protocol", "TCP"}},
  });
  json liveness_port = 8080, readiness_port = 8181;
  if (r.coredns_probe_ports_named) {
    ports.push_back({{"containerPort", 8080}, {"name", "liveness-probe"}, {"protocol", "TCP"}});
    ports.push_back({{"containerPort", 8181}, {"name", "readiness-probe"}, {"protocol", "TCP"}});
    liveness_port = "liveness-probe";
    readiness_port = "readiness-probe";
  }
  json container = {
      {"name", "coredns"},
      {"image", images::dns_image(c)},
      {"imagePullPolicy", "IfNotPresent"},
      {"args", {"-conf", "/etc/coredns/Corefile"}},
      {"ports", ports},
      {"livenessProbe",
       {{"failureThreshold", 5},
        {"httpGet", {{"path", "/health"}, {"port", liveness_port}, {"scheme", "HTTP"}}},
        {"initialDelaySeconds", 60},
        {"successThreshold", 1},
        {"timeoutSeconds", 5}}},
      {"readinessProbe",
       {{"httpGet", {{"path", "/ready"}, {"port", readiness_port}, {"scheme", "HTTP"}}}}},
      {"resources",
       {{"limits", {{"memory", "170Mi"}}}, {"requests", {{"cpu", "100m"}, {"memory", "70Mi"}}}}},
      {"securityContext",
       {{"allowPrivilegeEscalation", false},
        {"capabilities",
         {{"add", {"NET_BIND_SERVICE"}}, {"drop", {r.coredns_drop_all_upper ? "ALL" : "all"}}}},
        {"readOnlyRootFilesystem", true}}},
      {"volumeMounts",
       {{{"mountPath", "/etc/coredns"}, {"name", "config-volume"}, {"readOnly", true}}}},
  };
  json tolerations = json::array({{{"key", "CriticalAddonsOnly"}, {"operator", "Exists"}}});
  if (r.coredns_master_toleration)
    tolerations.push_back({{"effect", "NoSchedule"}, {"key", "node-role.kubernetes.io/master"}});
  tolerations.push_back(
      {{"effect", "NoSchedule"}, {"key", "node-role.kubernetes.io/control-plane"}});
  json pod_spec = {
      {"containers", {container}},
      {"dnsPolicy", "Default"},
      {"nodeSelector", {{"kubernetes.io/os", "linux"}}},
      {"priorityClassName", "system-cluster-critical"},
      {"serviceAccountName", "coredns"},
      {"tolerations", tolerations},
      {"volumes",
       {{{"configMap",
          {{"items", {{{"key", "Corefile"}, {"path", "Corefile"}}}}, {"name", "coredns"}}},
         {"name", "config-volume"}}}},
  };
  if (r.coredns_anti_affinity) {
    pod_spec["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"] = {
        {{"podAffinityTerm",
          {{"labelSelector",
            {{"matchExpressions",
              {{{"key", "k8s-app"}, {"operator", "In"}, {"values", {"kube-dns"}}}}}}},
           {"topologyKey", "kubernetes.io/hostname"}}},
         {"weight", 100}}};
  }
  json dmeta = metadata("coredns");
  dmeta["labels"] = selector;
  o.deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", dmeta},
      {"spec",
       {{"replicas", replicas},
        {"selector", {{"matchLabels", selector}}},
        {"strategy", {{"rollingUpdate", {{"maxUnavailable", 1}}}, {"type", "RollingUpdate"}}},
        {"template", {{"metadata", {{"labels", selector}}}, {"spec", pod_spec}}}}}};

  json smeta = metadata("kube-dns");
  smeta["labels"] = {{"k8s-app", "kube-dns"},
                     {"kubernetes.io/cluster-service", "true"},
                     {"kubernetes.io/name", r.dns_service_name_label}};
  smeta["annotations"] = {{"prometheus.io/port", "9153"}, {"prometheus.io/scrape", "true"}};
  // The template carries a resourceVersion so that a PUT over an existing Service validates.
  smeta["resourceVersion"] = "0";
  o.service = {
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", smeta},
      {"spec",
       {{"clusterIP", dns_service_ip(c.networking.service_subnet)},
        {"ports",
         {{{"name", "dns"}, {"port", 53}, {"protocol", "UDP"}, {"targetPort", 53}},
          {{"name", "dns-tcp"}, {"port", 53}, {"protocol", "TCP"}, {"targetPort", 53}},
          {{"name", "metrics"}, {"port", 9153}, {"protocol", "TCP"}, {"targetPort", 9153}}}},
        {"selector", selector}}}};
  return o;
}

}  // namespace kadm::addons
