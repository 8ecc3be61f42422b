#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "addons/coredns.h"
#include "addons/ensure.h"
#include "addons/fake_client.h"
#include "addons/kube_proxy.h"
#include "api/decode.h"
#include "api/defaults.h"
#include "componentconfigs/kube_proxy.h"
#include "kubeconfig/files.h"
#include "util/error.h"

namespace kadm::addons {
namespace {

namespace fs = std::filesystem;
const std::string kDir = std::string(KADM_FIXTURES) + "/addons/v1.20";

std::string read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

json golden(const std::string& dir, const std::string& name) {
  for (const auto& e : fs::directory_iterator(kDir + "/" + dir)) {
    std::string file = e.path().filename().string();
    if (file.size() >= name.size() &&
        file.compare(file.size() - name.size(), name.size(), name) == 0)
      return json::parse(read(e.path().string()));
  }
  ADD_FAILURE() << "no fixture " << dir << "/*" << name;
  return {};
}

// What kubeadm sent, less the fields Go's encoder adds to every typed object (a null
// creationTimestamp, an empty status), which the API server ignores on create.
json sent(const std::string& name) {
  json o = golden("sent", name);
  o.erase("status");
  o["metadata"].erase("creationTimestamp");
  if (o.contains("spec") && o["spec"].contains("template"))
    o["spec"]["template"]["metadata"].erase("creationTimestamp");
  return o;
}

// Every field of `part` is in `whole` with the same value; lists match element by element.
::testing::AssertionResult subset(const json& part, const json& whole,
                                  const std::string& path = "") {
  if (part.is_object()) {
    if (!whole.is_object())
      return ::testing::AssertionFailure() << path << " is not an object on the server";
    for (const auto& [k, v] : part.items()) {
      if (!whole.contains(k))
        return ::testing::AssertionFailure() << path << "/" << k << " missing on the server";
      auto r = subset(v, whole[k], path + "/" + k);
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (part.is_array()) {
    if (!whole.is_array() || whole.size() != part.size())
      return ::testing::AssertionFailure()
             << path << " has " << whole.size() << " elements on the server, kadm " << part.size();
    for (size_t i = 0; i < part.size(); ++i) {
      auto r = subset(part[i], whole[i], path + "/" + std::to_string(i));
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (part != whole)
    return ::testing::AssertionFailure() << path << ": kadm " << part << ", server " << whole;
  return ::testing::AssertionSuccess();
}

struct Lab {
  api::ConfigSet set;
  const versions::Release* r = nullptr;
};

// tests/fixtures/addons/v1.20/config.yaml: the configuration the golden cluster was made with.
Lab lab_v1_20() {
  Lab l;
  l.set = api::load_config_file(kDir + "/config.yaml");
  api::set_defaults(l.set);
  l.r = &versions::release_for(*versions::parse_version(l.set.cluster->kubernetes_version));
  return l;
}

KubeProxyInput proxy_input(const Lab& l) {
  KubeProxyInput in;
  in.config = componentconfigs::kube_proxy_config(std::nullopt, *l.set.cluster,
                                                  l.set.init->local_api_endpoint.advertise_address,
                                                  *l.r, nullptr);
  in.server = kubeconfig::control_plane_url(*l.set.init, *l.set.cluster);
  return in;
}

api::ClusterConfiguration cluster(const std::string& version) {
  api::ClusterConfiguration c;
  c.kubernetes_version = version;
  api::set_defaults(c);
  return c;
}
const versions::Release& rel(int minor) {
  return *versions::find_release(minor);
}

CoreDNSObjects dns(int minor) {
  return coredns_objects(cluster(fmt::format("v1.{}.0", minor)), rel(minor), 2);
}

KubeProxyObjects proxy(int minor) {
  auto c = cluster(fmt::format("v1.{}.0", minor));
  KubeProxyInput in;
  in.config = {{"kind", "KubeProxyConfiguration"}};
  in.server = "https://10.0.0.11:6443";
  return kube_proxy_objects(c, rel(minor), in);
}

TEST(AddonsV120, CoreDNSObjectsEqualWhatUpstreamKubeadmSent) {
  auto l = lab_v1_20();
  auto o = coredns_objects(*l.set.cluster, *l.r, kCoreDNSDefaultReplicas);
  EXPECT_EQ(o.config_map, sent("configmap-coredns.json"));
  EXPECT_EQ(o.cluster_role, sent("clusterrole-system_coredns.json"));
  EXPECT_EQ(o.cluster_role_binding, sent("clusterrolebinding-system_coredns.json"));
  EXPECT_EQ(o.service_account, sent("serviceaccount-coredns.json"));
  EXPECT_EQ(o.deployment, sent("deployment-coredns.json"));
  EXPECT_EQ(o.service, sent("service-kube-dns.json"));
}

TEST(AddonsV120, KubeProxyObjectsEqualWhatUpstreamKubeadmSent) {
  auto l = lab_v1_20();
  auto o = kube_proxy_objects(*l.set.cluster, *l.r, proxy_input(l));
  EXPECT_EQ(o.service_account, sent("serviceaccount-kube-proxy.json"));
  // config.conf byte for byte, and the component-config hash over both keys.
  EXPECT_EQ(o.config_map["data"]["config.conf"],
            sent("configmap-kube-proxy.json")["data"]["config.conf"]);
  EXPECT_EQ(o.config_map, sent("configmap-kube-proxy.json"));
  EXPECT_EQ(o.daemon_set, sent("daemonset-kube-proxy.json"));
  EXPECT_EQ(o.cluster_role_binding, sent("clusterrolebinding-kubeadm_node-proxier.json"));
  EXPECT_EQ(o.role, sent("role-kube-proxy.json"));
  EXPECT_EQ(o.role_binding, sent("rolebinding-kube-proxy.json"));
}

TEST(AddonsV120, EveryObjectIsFieldByFieldInWhatTheServerStored) {
  auto l = lab_v1_20();
  auto d = coredns_objects(*l.set.cluster, *l.r, kCoreDNSDefaultReplicas);
  auto p = kube_proxy_objects(*l.set.cluster, *l.r, proxy_input(l));
  json service = d.service;
  service["metadata"].erase("resourceVersion");  // the server replaces the template's "0"
  const std::vector<std::pair<json, std::string>> pairs = {
      {d.config_map, "configmap-coredns.json"},
      {d.cluster_role, "clusterrole-system_coredns.json"},
      {d.cluster_role_binding, "clusterrolebinding-system_coredns.json"},
      {d.service_account, "serviceaccount-coredns.json"},
      {d.deployment, "deployment-coredns.json"},
      {service, "service-kube-dns.json"},
      {p.service_account, "serviceaccount-kube-proxy.json"},
      {p.config_map, "configmap-kube-proxy.json"},
      {p.daemon_set, "daemonset-kube-proxy.json"},
      {p.cluster_role_binding, "clusterrolebinding-kubeadm_node-proxier.json"},
      {p.role, "role-kube-proxy.json"},
      {p.role_binding, "rolebinding-kube-proxy.json"},
  };
  for (const auto& [obj, file] : pairs) EXPECT_TRUE(subset(obj, golden("server", file))) << file;
}

TEST(AddonsV120, WritesHappenInUpstreamsOrder) {
  // operations.txt: the calls upstream's dry run printed for the addon phase.
  auto l = lab_v1_20();
  testing::FakeClient c;
  ensure_coredns(c, *l.set.cluster, *l.r, std::chrono::seconds(1));
  ensure_kube_proxy(c, *l.set.cluster, *l.r, proxy_input(l), std::chrono::seconds(1));
  std::vector<std::string> want;
  std::istringstream ops(read(kDir + "/operations.txt"));
  for (std::string line; std::getline(ops, line);) {
    std::istringstream w(line);
    std::string verb, resource, group, name;
    w >> verb >> resource >> group >> name;
    want.push_back(name.empty() ? verb + " " + resource : verb + " " + resource + " " + name);
  }
  EXPECT_EQ(c.calls, want);
}

TEST(Addons, CorefileNamesTheDNSDomainAndDisablesItsCacheFromV1_33) {
  auto old = corefile("example.internal", rel(32));
  EXPECT_NE(old.find("kubernetes example.internal in-addr.arpa ip6.arpa {"), std::string::npos);
  EXPECT_NE(old.find("    cache 30\n    loop"), std::string::npos);
  auto now = corefile("example.internal", rel(33));
  EXPECT_NE(now.find("    cache 30 {\n       disable success example.internal\n       disable "
                     "denial example.internal\n    }\n"),
            std::string::npos);
}

TEST(Addons, DefaultCorefilesOfEveryReleaseAreRecognizedAndCustomOnesAreNot) {
  for (int m = versions::kOldestMinor; m <= versions::kNewestMinor; ++m)
    EXPECT_TRUE(is_default_corefile(corefile("corp.example", rel(m)))) << m;
  std::string custom = corefile("cluster.local", rel(30));
  custom.insert(custom.find("    prometheus"),
                "    hosts {\n       10.0.0.5 registry.corp\n       fallthrough\n    }\n");
  EXPECT_FALSE(is_default_corefile(custom));
  EXPECT_FALSE(is_default_corefile(""));
}

TEST(Addons, CoreDNSTolerationsDropTheMasterTaintAfterV1_25) {
  auto keys = [](const json& d) {
    std::vector<std::string> out;
    for (const auto& t : d["spec"]["template"]["spec"]["tolerations"])
      out.push_back(t.value("key", ""));
    return out;
  };
  std::vector<std::string> with_master = {"CriticalAddonsOnly", "node-role.kubernetes.io/master",
                                          "node-role.kubernetes.io/control-plane"};
  EXPECT_EQ(keys(dns(20).deployment), with_master);
  EXPECT_EQ(keys(dns(25).deployment), with_master);
  EXPECT_EQ(
      keys(dns(26).deployment),
      (std::vector<std::string>{"CriticalAddonsOnly", "node-role.kubernetes.io/control-plane"}));
  EXPECT_EQ(
      keys(dns(36).deployment),
      (std::vector<std::string>{"CriticalAddonsOnly", "node-role.kubernetes.io/control-plane"}));
}

TEST(Addons, CoreDNSDeploymentChangesPerRelease) {
  auto spec = [](int m) { return dns(m).deployment["spec"]["template"]["spec"]; };
  EXPECT_FALSE(spec(24).contains("affinity"));
  ASSERT_TRUE(spec(25).contains("affinity"));
  auto term =
      spec(25)["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0];
  EXPECT_EQ(term["weight"], 100);
  EXPECT_EQ(term["podAffinityTerm"]["topologyKey"], "kubernetes.io/hostname");
  EXPECT_EQ(spec(28)["containers"][0]["securityContext"]["capabilities"]["drop"], json({"all"}));
  EXPECT_EQ(spec(29)["containers"][0]["securityContext"]["capabilities"]["drop"], json({"ALL"}));
  EXPECT_EQ(spec(33)["containers"][0]["ports"].size(), 3u);
  EXPECT_EQ(spec(33)["containers"][0]["livenessProbe"]["httpGet"]["port"], 8080);
  EXPECT_EQ(spec(34)["containers"][0]["ports"].size(), 5u);
  EXPECT_EQ(spec(34)["containers"][0]["ports"][4]["name"], "readiness-probe");
  EXPECT_EQ(spec(34)["containers"][0]["livenessProbe"]["httpGet"]["port"], "liveness-probe");
  EXPECT_EQ(spec(34)["containers"][0]["readinessProbe"]["httpGet"]["port"], "readiness-probe");
}

TEST(Addons, CoreDNSClusterRoleFollowsCoreDNSsNeeds) {
  auto resources = [](int m) {
    std::vector<std::string> out;
    const json role = dns(m).cluster_role;
    for (const auto& rule : role["rules"])
      for (const auto& res : rule["resources"]) out.push_back(res.get<std::string>());
    return out;
  };
  std::vector<std::string> base = {"endpoints", "services", "pods", "namespaces"};
  auto with = [&](std::vector<std::string> extra) {
    auto v = base;
    v.insert(v.end(), extra.begin(), extra.end());
    return v;
  };
  EXPECT_EQ(resources(21), with({"nodes"}));
  EXPECT_EQ(resources(22), with({"nodes", "endpointslices"}));
  EXPECT_EQ(resources(27), with({"nodes", "endpointslices"}));
  EXPECT_EQ(resources(28), with({"endpointslices"}));
}

TEST(Addons, DNSImageFollowsTheRegistryRules) {
  EXPECT_EQ(dns(20).deployment["spec"]["template"]["spec"]["containers"][0]["image"],
            "k8s.gcr.io/coredns:1.7.0");
  EXPECT_EQ(dns(21).deployment["spec"]["template"]["spec"]["containers"][0]["image"],
            "k8s.gcr.io/coredns/coredns:v1.8.0");
  auto c = cluster("v1.30.0");
  c.image_repository = "mirror.example/k8s";
  auto o = coredns_objects(c, rel(30), 2);
  EXPECT_EQ(o.deployment["spec"]["template"]["spec"]["containers"][0]["image"],
            "mirror.example/k8s/coredns:v1.11.3");
}

TEST(Addons, KubeDNSServiceAddressAndLabels) {
  EXPECT_EQ(dns(20).service["metadata"]["labels"]["kubernetes.io/name"], "KubeDNS");
  EXPECT_EQ(dns(21).service["metadata"]["labels"]["kubernetes.io/name"], "CoreDNS");
  EXPECT_EQ(dns_service_ip("10.96.0.0/12"), "10.96.0.10");
  EXPECT_EQ(dns_service_ip("10.100.0.0/16,fd00:10::/108"), "10.100.0.10");
  EXPECT_EQ(dns_service_ip("fd00:10::/108"), "fd00:10::a");
  EXPECT_THROW(dns_service_ip("not-a-cidr"), Error);
  EXPECT_THROW(dns_service_ip("10.0.0.0/30"), Error);
}

TEST(Addons, KubeProxyTolerationsAndImagePerRelease) {
  EXPECT_EQ(proxy(21).daemon_set["spec"]["template"]["spec"]["tolerations"].size(), 2u);
  EXPECT_EQ(proxy(22).daemon_set["spec"]["template"]["spec"]["tolerations"],
            json::parse(R"([{"operator":"Exists"}])"));
  EXPECT_EQ(proxy(30).daemon_set["spec"]["template"]["spec"]["containers"][0]["image"],
            "registry.k8s.io/kube-proxy:v1.30.0");
}

TEST(Addons, UserSuppliedKubeProxyConfigCarriesNoHash) {
  auto c = cluster("v1.30.0");
  KubeProxyInput in;
  in.config = {{"kind", "KubeProxyConfiguration"}, {"mode", "ipvs"}};
  in.server = "https://cp.example:6443";
  auto generated = kube_proxy_objects(c, rel(30), in);
  EXPECT_EQ(generated.config_map["metadata"]["annotations"][kComponentConfigHashAnnotation],
            config_map_hash(generated.config_map));
  EXPECT_NE(generated.config_map["data"]["kubeconfig.conf"].get<std::string>().find(
                "server: https://cp.example:6443\n"),
            std::string::npos);
  in.user_supplied = true;
  EXPECT_FALSE(kube_proxy_objects(c, rel(30), in).config_map["metadata"].contains("annotations"));
}

TEST(Addons, ProxyEnvironmentReachesKubeProxySortedFromV1_31) {
  auto env = proxy_env_vars({"PATH=/bin", "https_proxy=http://p:3128", "HTTP_PROXY=http://p:3128",
                             "NO_PROXY=", "no_proxy=10.0.0.0/8", "MYPROXY=x"});
  ASSERT_EQ(env.size(), 3u);
  EXPECT_EQ(env[0].first, "https_proxy");
  auto c = cluster("v1.30.0");
  KubeProxyInput in;
  in.config = json::object();
  in.proxy_env = env;
  auto names = [&](int m) {
    std::vector<std::string> out;
    auto o = kube_proxy_objects(c, rel(m), in);
    for (const auto& e : o.daemon_set["spec"]["template"]["spec"]["containers"][0]["env"])
      out.push_back(e["name"]);
    return out;
  };
  EXPECT_EQ(names(30),
            (std::vector<std::string>{"NODE_NAME", "https_proxy", "HTTP_PROXY", "no_proxy"}));
  EXPECT_EQ(names(31),
            (std::vector<std::string>{"NODE_NAME", "HTTP_PROXY", "https_proxy", "no_proxy"}));
}

TEST(Addons, KubeDNSConfigMapIsTranslatedForV1_20) {
  json cm = {{"data",
              {{"upstreamNameservers", R"(["8.8.8.8", "resolver.corp", "1.1.1.1:5353"])"},
               {"stubDomains", R"({"corp.example": ["10.0.0.53"], "other": ["ns.other"]})"}}}};
  std::vector<std::string> warnings;
  auto t = translate_kube_dns(cm, &warnings);
  EXPECT_EQ(t.upstream_nameservers, "8.8.8.8 1.1.1.1:5353");
  EXPECT_EQ(warnings.size(), 2u);
  auto text = corefile("cluster.local", rel(20), t);
  EXPECT_NE(text.find("forward . 8.8.8.8 1.1.1.1:5353 {"), std::string::npos);
  EXPECT_NE(text.find("}\n    corp.example:53 {\n       errors\n       cache 30\n       loop\n     "
                      "  forward . 10.0.0.53\n    }\n"),
            std::string::npos);
  EXPECT_THROW(translate_kube_dns(json{{"data", {{"stubDomains", "{"}}}}, nullptr), Error);
}

TEST(Addons, ReplicasOfARunningDeploymentAreKept) {
  auto c = cluster("v1.30.0");
  testing::FakeClient fc;
  auto existing = coredns_objects(c, rel(30), 5).deployment;
  fc.seed(existing);
  ensure_coredns(fc, c, rel(30), std::chrono::seconds(1));
  EXPECT_EQ((*fc.find({"apps/v1", "deployments", "kube-system", "coredns"}))["spec"]["replicas"],
            5);
}

TEST(Addons, CustomCorefileIsRetainedAndDefaultOneReplaced) {
  auto c = cluster("v1.30.0");
  const kube::Ref cm_ref{"v1", "configmaps", "kube-system", "coredns"};
  {
    testing::FakeClient fc;
    json cm = coredns_objects(c, rel(33), 2).config_map;  // another release's default
    ASSERT_NE(cm["data"]["Corefile"], corefile("cluster.local", rel(30)));
    fc.seed(cm);
    ensure_coredns(fc, c, rel(30), std::chrono::seconds(1));
    EXPECT_EQ((*fc.find(cm_ref))["data"]["Corefile"], corefile("cluster.local", rel(30)));
  }
  {
    testing::FakeClient fc;
    json cm = coredns_objects(c, rel(30), 2).config_map;
    cm["data"]["Corefile"] = ".:53 {\n    forward . 9.9.9.9\n}\n";
    fc.seed(cm);
    ensure_coredns(fc, c, rel(30), std::chrono::seconds(1));
    EXPECT_EQ((*fc.find(cm_ref))["data"]["Corefile"], ".:53 {\n    forward . 9.9.9.9\n}\n");
    EXPECT_EQ(std::count(fc.calls.begin(), fc.calls.end(), "UPDATE configmaps coredns"), 0);
  }
}

TEST(Addons, ExistingObjectsAreUpdatedAndServiceAccountsKept) {
  auto c = cluster("v1.30.0");
  testing::FakeClient fc;
  KubeProxyInput in;
  in.config = json::object();
  in.server = "https://10.0.0.11:6443";
  ensure_kube_proxy(fc, c, rel(30), in, std::chrono::seconds(1));
  fc.calls.clear();
  ensure_kube_proxy(fc, c, rel(30), in, std::chrono::seconds(1));
  EXPECT_EQ(fc.calls, (std::vector<std::string>{
                          "CREATE configmaps kube-proxy", "UPDATE configmaps kube-proxy",
                          "CREATE daemonsets kube-proxy", "UPDATE daemonsets kube-proxy",
                          "CREATE serviceaccounts kube-proxy",
                          "CREATE clusterrolebindings kubeadm:node-proxier",
                          "UPDATE clusterrolebindings kubeadm:node-proxier",
                          "CREATE roles kube-proxy", "UPDATE roles kube-proxy",
                          "CREATE rolebindings kube-proxy", "UPDATE rolebindings kube-proxy"}));
}

TEST(Addons, MultipleDNSDeploymentsAreAnError) {
  auto c = cluster("v1.30.0");
  testing::FakeClient fc;
  json a = coredns_objects(c, rel(30), 2).deployment, b = a;
  b["metadata"]["name"] = "coredns-copy";
  fc.seed(a);
  fc.seed(b);
  EXPECT_THROW(ensure_coredns(fc, c, rel(30), std::chrono::seconds(1)), Error);
}

TEST(Addons, SkippedAddonPhasesDisableTheAddonAndViceVersa) {
  api::ClusterConfiguration c;
  EXPECT_EQ(manage_skipped_addons(c, {"addon"}), (std::vector<std::string>{"addon"}));
  EXPECT_TRUE(c.dns.disabled && c.proxy.disabled);
  c = {};
  EXPECT_EQ(manage_skipped_addons(c, {"addon/kube-proxy"}),
            (std::vector<std::string>{"addon/kube-proxy"}));
  EXPECT_TRUE(c.proxy.disabled && !c.dns.disabled);
  c = {};
  c.dns.disabled = c.proxy.disabled = true;
  EXPECT_EQ(manage_skipped_addons(c, {}),
            (std::vector<std::string>{"addon/coredns", "addon/kube-proxy"}));
  c = {};
  c.dns.disabled = true;
  EXPECT_EQ(manage_skipped_addons(c, {"addon/coredns"}),
            (std::vector<std::string>{"addon/coredns"}));
  c = {};
  EXPECT_TRUE(manage_skipped_addons(c, {}).empty());
  EXPECT_FALSE(c.dns.disabled || c.proxy.disabled);
}

TEST(Addons, PrintedManifestsListEveryObjectInUpstreamsOrder) {
  auto c = cluster("v1.30.0");
  std::string text = coredns_manifests(c, rel(30));
  auto at = [&](const std::string& s) { return text.find(s); };
  EXPECT_EQ(text.rfind("---\n", 0), 0u);
  EXPECT_LT(at("kind: Deployment"), at("kind: ConfigMap"));
  EXPECT_LT(at("kind: ConfigMap"), at("kind: Service\n"));
  EXPECT_LT(at("kind: ClusterRoleBinding"), at("kind: ServiceAccount"));
}

}  // namespace
}  // namespace kadm::addons
