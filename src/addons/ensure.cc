#include "addons/ensure.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "kube/apply.h"
#include "util/error.h"
#include "util/log.h"
#include "util/yaml_emit.h"

namespace kadm::addons {
namespace {

const kube::Ref kDeployments{"apps/v1", "deployments", "kube-system", ""};

// The Deployments labelled k8s-app=kube-dns (upstream finds the DNS addon this way).
json dns_deployments(kube::Client& c, Duration timeout) {
  json items;
  kube::poll_immediate("couldn't retrieve DNS addon deployments", kube::kRetryInterval, timeout,
                       [&]() -> std::optional<std::string> {
                         auto r = c.list(kDeployments, "k8s-app=kube-dns");
                         if (!r.status.ok()) return r.status.describe();
                         items = r.object.value("items", json::array());
                         return std::nullopt;
                       });
  if (items.size() > 1) {
    std::vector<std::string> names;
    for (const auto& d : items) names.push_back(d["metadata"].value("name", "?"));
    throw Error(fmt::format("multiple DNS addon deployments found: {}", fmt::join(names, ", ")),
                "delete the extra Deployments labelled k8s-app=kube-dns in kube-system");
  }
  return items;
}

int deployed_replicas(kube::Client& c, Duration timeout) {
  json items = dns_deployments(c, timeout);
  if (items.empty()) return kCoreDNSDefaultReplicas;
  // A Deployment without replicas runs one.
  return items[0]["spec"].value("replicas", 1);
}

// The image tag of the running DNS Deployment, "" when there is none.
std::string deployed_version(kube::Client& c, Duration timeout) {
  json items = dns_deployments(c, timeout);
  if (items.empty()) return "";
  std::string image = items[0]["spec"]["template"]["spec"]["containers"][0].value("image", "");
  auto colon = image.rfind(':');
  return colon == std::string::npos ? image : image.substr(colon + 1);
}

// GET that tolerates NotFound (nullopt); other errors are retried until `timeout`.
std::optional<json> get_optional(kube::Client& c, const kube::Ref& ref, Duration timeout) {
  std::optional<json> out;
  kube::poll_immediate(fmt::format("unable to get {} \"{}\"", ref.resource, ref.name),
                       kube::kRetryInterval, timeout, [&]() -> std::optional<std::string> {
                         auto r = c.get(ref);
                         if (r.status.ok()) {
                           out = r.object;
                           return std::nullopt;
                         }
                         if (r.status.not_found()) return std::nullopt;
                         return r.status.describe();
                       });
  return out;
}

// Upstream creates addon ServiceAccounts and leaves an existing one as it is.
void create_service_account(kube::Client& c, const json& sa, Duration timeout) {
  kube::poll_immediate(
      fmt::format("unable to create serviceaccount \"{}\"", sa["metadata"].value("name", "")),
      kube::kRetryInterval, timeout, [&]() -> std::optional<std::string> {
        auto r = c.create(sa);
        if (r.status.ok() || r.status.already_exists()) return std::nullopt;
        return r.status.describe();
      });
}

std::string documents(const std::vector<json>& objects) {
  std::string out;
  for (const auto& o : objects) out += "---\n" + yaml::emit(o);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

void ensure_coredns(kube::Client& c, const api::ClusterConfiguration& cluster,
                    const versions::Release& r, Duration timeout) {
  int replicas = deployed_replicas(c, timeout);

  KubeDNSTranslation kube_dns;
  if (r.coredns_kube_dns_translation) {
    // v1.20 carried a kube-dns cluster's stub domains and upstream servers over to CoreDNS.
    if (auto cm = get_optional(c, {"v1", "configmaps", "kube-system", "kube-dns"}, timeout)) {
      std::vector<std::string> warnings;
      kube_dns = translate_kube_dns(*cm, &warnings);
      for (const auto& w : warnings) log::warning(w);
    }
  }
  auto objects = coredns_objects(cluster, r, replicas, kube_dns);

  std::string existing_corefile, running;
  if (auto cm = get_optional(c, {"v1", "configmaps", "kube-system", "coredns"}, timeout)) {
    if (!(*cm).contains("data") || !(*cm)["data"].contains("Corefile"))
      throw Error(
          "unable to fetch CoreDNS current installed version and ConfigMap: unable to find the "
          "CoreDNS Corefile data",
          "the ConfigMap kube-system/coredns has no Corefile key; add one or delete the ConfigMap");
    existing_corefile = (*cm)["data"]["Corefile"].get<std::string>();
    running = deployed_version(c, timeout);
  }
  if (existing_corefile.empty() || is_default_corefile(existing_corefile)) {
    // Empty or kubeadm's own: the release's default replaces it.
    kube::create_or_update(c, objects.config_map, timeout);
  } else {
    // A customized Corefile is the user's and is kept. Upstream also rewrites it with CoreDNS's
    // migration library when plugins changed between versions; kadm does not, so say so.
    std::string target = cluster.dns.image_tag.empty() ? r.coredns_version : cluster.dns.image_tag;
    if (!running.empty() && running != target)
      log::warning(
          fmt::format("the CoreDNS Corefile in ConfigMap kube-system/coredns is customized and has "
                      "been retained; "
                      "kadm does not migrate Corefiles between CoreDNS versions ({} to {}): check "
                      "it against the "
                      "CoreDNS {} release notes",
                      running, target, target));
    kube::create_or_retain(c, objects.config_map, timeout);
  }
  kube::create_or_update(c, objects.cluster_role, timeout);
  kube::create_or_update(c, objects.cluster_role_binding, timeout);
  create_service_account(c, objects.service_account, timeout);
  kube::create_or_update(c, objects.deployment, timeout);
  kube::create_or_update_service(c, objects.service, timeout);
  log::progress("[addons] Applied essential addon: CoreDNS");
}

void ensure_kube_proxy(kube::Client& c, const api::ClusterConfiguration& cluster,
                       const versions::Release& r, const KubeProxyInput& in, Duration timeout) {
  auto o = kube_proxy_objects(cluster, r, in);
  if (r.kube_proxy_sa_first) create_service_account(c, o.service_account, timeout);
  kube::create_or_update(c, o.config_map, timeout);
  kube::create_or_update(c, o.daemon_set, timeout);
  if (!r.kube_proxy_sa_first) create_service_account(c, o.service_account, timeout);
  kube::create_or_update(c, o.cluster_role_binding, timeout);
  kube::create_or_update(c, o.role, timeout);
  kube::create_or_update(c, o.role_binding, timeout);
  log::progress("[addons] Applied essential addon: kube-proxy");
}

std::string coredns_manifests(const api::ClusterConfiguration& cluster,
                              const versions::Release& r) {
  auto o = coredns_objects(cluster, r, kCoreDNSDefaultReplicas);
  return documents({o.deployment, o.config_map, o.service, o.cluster_role, o.cluster_role_binding,
                    o.service_account});
}

std::string kube_proxy_manifests(const api::ClusterConfiguration& cluster,
                                 const versions::Release& r, const KubeProxyInput& in) {
  auto o = kube_proxy_objects(cluster, r, in);
  return documents({o.service_account, o.cluster_role_binding, o.role, o.role_binding, o.config_map,
                    o.daemon_set});
}

std::vector<std::string> manage_skipped_addons(api::ClusterConfiguration& cluster,
                                               std::vector<std::string> skip) {
  bool all = contains(skip, "addon");
  if (all || contains(skip, "addon/coredns")) cluster.dns.disabled = true;
  if (all || contains(skip, "addon/kube-proxy")) cluster.proxy.disabled = true;
  if (!all) {
    if (cluster.dns.disabled && !contains(skip, "addon/coredns")) skip.push_back("addon/coredns");
    if (cluster.proxy.disabled && !contains(skip, "addon/kube-proxy"))
      skip.push_back("addon/kube-proxy");
  }
  return skip;
}

}  // namespace kadm::addons
