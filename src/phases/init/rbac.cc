#include "phases/init/rbac.h"

#include "kube/apply.h"

namespace kadm::phases {

using kube::json;

json group_subject(const std::string& group) {
  return {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Group"}, {"name", group}};
}
json user_subject(const std::string& user) {
  return {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "User"}, {"name", user}};
}
json service_account_subject(const std::string& name, const std::string& ns) {
  return {{"kind", "ServiceAccount"}, {"name", name}, {"namespace", ns}};
}

void apply_read_role(kube::Client& c, const std::string& name, const std::string& ns,
                     const std::string& resource, const std::string& resource_name,
                     const std::vector<json>& subjects, Duration timeout) {
  json role = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
               {"kind", "Role"},
               {"metadata", kube::meta(name, ns)},
               {"rules", {{{"apiGroups", {""}}, {"resources", {resource}}, {"resourceNames", {resource_name}}, {"verbs", {"get"}}}}}};
  kube::create_or_update(c, role, timeout);
  json binding = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                  {"kind", "RoleBinding"},
                  {"metadata", kube::meta(name, ns)},
                  {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", name}}},
                  {"subjects", subjects}};
  kube::create_or_update(c, binding, timeout);
}

json cluster_role_binding(const std::string& name, const std::string& cluster_role, const std::vector<json>& subjects) {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "ClusterRoleBinding"},
          {"metadata", kube::meta(name)},
          {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", cluster_role}}},
          {"subjects", subjects}};
}

}  // namespace kadm::phases
