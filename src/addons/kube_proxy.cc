#include "addons/kube_proxy.h"

#include <algorithm>
#include <cctype>

#include "images/images.h"
#include "util/digest.h"
#include "util/yaml_emit.h"

namespace kadm::addons {
namespace {

const char* kNamespace = "kube-system";
const char* kName = "kube-proxy";
const char* kBootstrapGroup = "system:bootstrappers:kubeadm:default-node-token";

// The kubeconfig kube-proxy reads its in-cluster identity from (upstream's template, verbatim
// key order, no trailing newline: a `|-` block).
std::string kube_proxy_kubeconfig(const std::string& server) {
  return "apiVersion: v1\n"
         "kind: Config\n"
         "clusters:\n"
         "- cluster:\n"
         "    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
         "    server: " +
         server +
         "\n"
         "  name: default\n"
         "contexts:\n"
         "- context:\n"
         "    cluster: default\n"
         "    namespace: default\n"
         "    user: default\n"
         "  name: default\n"
         "current-context: default\n"
         "users:\n"
         "- name: default\n"
         "  user:\n"
         "    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token";
}

}  // namespace

std::string config_map_hash(const json& cm) {
  std::string all;
  for (const char* field : {"data", "binaryData"}) {
    if (!cm.contains(field) || !cm[field].is_object()) continue;
    // nlohmann's object is a std::map: iteration is in key order, as upstream sorts.
    for (const auto& [k, v] : cm[field].items()) all += v.get<std::string>();
  }
  return "sha256:" + hex(sha256(all));
}

std::vector<std::pair<std::string, std::string>> proxy_env_vars(
    const std::vector<std::string>& environ) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : environ) {
    auto eq = e.find('=');
    if (eq == std::string::npos) continue;
    std::string name = e.substr(0, eq), value = e.substr(eq + 1);
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.size() >= 6 && lower.compare(lower.size() - 6, 6, "_proxy") == 0 && !value.empty())
      out.emplace_back(name, value);
  }
  return out;
}

KubeProxyObjects kube_proxy_objects(const api::ClusterConfiguration& c, const versions::Release& r,
                                    const KubeProxyInput& in) {
  KubeProxyObjects o;
  o.service_account = {{"apiVersion", "v1"},
                       {"kind", "ServiceAccount"},
                       {"metadata", {{"name", kName}, {"namespace", kNamespace}}}};

  std::string config = yaml::emit(in.config);
  if (!config.empty() && config.back() == '\n')
    config.pop_back();  // a `|-` block in upstream's template
  o.config_map = {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", {{"name", kName}, {"namespace", kNamespace}, {"labels", {{"app", kName}}}}},
      {"data", {{"kubeconfig.conf", kube_proxy_kubeconfig(in.server)}, {"config.conf", config}}}};
  if (!in.user_supplied)
    o.config_map["metadata"]["annotations"][kComponentConfigHashAnnotation] =
        config_map_hash(o.config_map);

  json env = json::array(
      {{{"name", "NODE_NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "spec.nodeName"}}}}}}});
  auto proxy = in.proxy_env;
  if (r.component_env_sorted)
    std::stable_sort(proxy.begin(), proxy.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [name, value] : proxy) env.push_back({{"name", name}, {"value", value}});

  json container = {
      {"name", kName},
      {"image", images::kubernetes_image(c, "kube-proxy")},
      {"imagePullPolicy", "IfNotPresent"},
      {"command",
       {"/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
        "--hostname-override=$(NODE_NAME)"}},
      {"env", env},
      {"resources", json::object()},
      {"securityContext", {{"privileged", true}}},
      {"volumeMounts",
       {{{"mountPath", "/var/lib/kube-proxy"}, {"name", "kube-proxy"}},
        {{"mountPath", "/run/xtables.lock"}, {"name", "xtables-lock"}},
        {{"mountPath", "/lib/modules"}, {"name", "lib-modules"}, {"readOnly", true}}}},
  };
  json tolerations = json::array();
  if (r.kube_proxy_critical_addons_toleration)
    tolerations.push_back({{"key", "CriticalAddonsOnly"}, {"operator", "Exists"}});
  tolerations.push_back({{"operator", "Exists"}});
  json selector = {{"k8s-app", kName}};
  o.daemon_set = {
      {"apiVersion", "apps/v1"},
      {"kind", "DaemonSet"},
      {"metadata", {{"name", kName}, {"namespace", kNamespace}, {"labels", selector}}},
      {"spec",
       {{"selector", {{"matchLabels", selector}}},
        {"updateStrategy", {{"type", "RollingUpdate"}}},
        {"template",
         {{"metadata", {{"labels", selector}}},
          {"spec",
           {{"containers", {container}},
            {"hostNetwork", true},
            {"nodeSelector", {{"kubernetes.io/os", "linux"}}},
            {"priorityClassName", "system-node-critical"},
            {"serviceAccountName", kName},
            {"tolerations", tolerations},
            {"volumes",
             {{{"configMap", {{"name", kName}}}, {"name", "kube-proxy"}},
              {{"hostPath", {{"path", "/run/xtables.lock"}, {"type", "FileOrCreate"}}},
               {"name", "xtables-lock"}},
              {{"hostPath", {{"path", "/lib/modules"}}}, {"name", "lib-modules"}}}}}}}}}}};

  o.cluster_role_binding = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRoleBinding"},
      {"metadata", {{"name", "kubeadm:node-proxier"}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"},
        {"kind", "ClusterRole"},
        {"name", "system:node-proxier"}}},
      {"subjects", {{{"kind", "ServiceAccount"}, {"name", kName}, {"namespace", kNamespace}}}}};
  o.role = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
            {"kind", "Role"},
            {"metadata", {{"name", kName}, {"namespace", kNamespace}}},
            {"rules",
             {{{"apiGroups", {""}},
               {"resourceNames", {kName}},
               {"resources", {"configmaps"}},
               {"verbs", {"get"}}}}}};
  o.role_binding = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "RoleBinding"},
      {"metadata", {{"name", kName}, {"namespace", kNamespace}}},
      {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", kName}}},
      {"subjects", {{{"kind", "Group"}, {"name", kBootstrapGroup}}}}};
  return o;
}

}  // namespace kadm::addons
