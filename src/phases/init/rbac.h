// The RBAC objects init creates, built one way (reference §3.7).
#pragma once

#include <string>
#include <vector>

#include "kube/client.h"
#include "util/duration.h"

namespace kadm::phases {

inline constexpr const char* kBootstrapGroup = "system:bootstrappers:kubeadm:default-node-token";

kube::json group_subject(const std::string& group);
kube::json user_subject(const std::string& user);
kube::json service_account_subject(const std::string& name, const std::string& ns);

// A Role granting `get` on one named object, and its RoleBinding of the same name to `subjects`.
void apply_read_role(kube::Client& c, const std::string& name, const std::string& ns,
                     const std::string& resource, const std::string& resource_name,
                     const std::vector<kube::json>& subjects, Duration timeout);

kube::json cluster_role_binding(const std::string& name, const std::string& cluster_role,
                                const std::vector<kube::json>& subjects);

}  // namespace kadm::phases
