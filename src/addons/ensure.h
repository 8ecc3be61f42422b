// Installing the addons through the API (upstream EnsureDNSAddon / EnsureProxyAddon): the
// objects of coredns.h and kube_proxy.h written in upstream's order with upstream's write
// semantics (reference §3.2, §3.9, §3.10), each call retried until `timeout`
// (timeouts.kubernetesAPICall). Used by `init phase addon` and, later, upgrade.
#pragma once

#include <string>
#include <vector>

#include "addons/coredns.h"
#include "addons/kube_proxy.h"
#include "api/types.h"
#include "kube/client.h"
#include "util/duration.h"
#include "versions/table.h"

namespace kadm::addons {

// CoreDNS: keeps the running Deployment's replica count (found by label k8s-app=kube-dns),
// replaces a default Corefile and keeps a customized one, then writes the RBAC, the
// ServiceAccount, the Deployment and the kube-dns Service. Prints upstream's
// "[addons] Applied essential addon: CoreDNS". Throws kadm::Error naming the object that failed.
void ensure_coredns(kube::Client& client, const api::ClusterConfiguration& cluster,
                    const versions::Release& r, Duration timeout);

// kube-proxy: ServiceAccount, ConfigMap, DaemonSet and RBAC in the release's order. Prints
// "[addons] Applied essential addon: kube-proxy".
void ensure_kube_proxy(kube::Client& client, const api::ClusterConfiguration& cluster,
                       const versions::Release& r, const KubeProxyInput& in, Duration timeout);

// --print-manifest: the objects as YAML documents, each preceded by "---", in upstream's order.
std::string coredns_manifests(const api::ClusterConfiguration& cluster, const versions::Release& r);
std::string kube_proxy_manifests(const api::ClusterConfiguration& cluster,
                                 const versions::Release& r, const KubeProxyInput& in);

// Upstream manageSkippedAddons: skipping "addon" or "addon/coredns" ("addon/kube-proxy") sets
// dns.disabled (proxy.disabled), and a disabled addon adds its phase to the skipped ones.
// Returns the new skip list.
std::vector<std::string> manage_skipped_addons(api::ClusterConfiguration& cluster,
                                               std::vector<std::string> skip_phases);

}  // namespace kadm::addons
