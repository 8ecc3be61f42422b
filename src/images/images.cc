#include "images/images.h"

#include <algorithm>

#include "api/defaults.h"
#include "versions/table.h"

namespace kadm::images {
namespace {

std::string version_tag(const api::ClusterConfiguration& c) {
  std::string tag = versions::resolve_version(c.kubernetes_version).str();
  std::replace(tag.begin(), tag.end(), '+', '_');  // image tags cannot hold '+'
  return tag;
}

}  // namespace

std::string kubernetes_image(const api::ClusterConfiguration& c, const std::string& component) {
  return c.image_repository + "/" + component + ":" + version_tag(c);
}

std::string etcd_image(const api::ClusterConfiguration& c) {
  const auto& r = api::release_of(c);
  std::string repo = c.image_repository, tag = r.etcd_version;
  if (c.etcd.local) {
    if (!c.etcd.local->image_repository.empty()) repo = c.etcd.local->image_repository;
    if (!c.etcd.local->image_tag.empty()) tag = c.etcd.local->image_tag;
  }
  return repo + "/etcd:" + tag;
}

std::string dns_image(const api::ClusterConfiguration& c) {
  const auto& r = api::release_of(c);
  std::string repo = c.dns.image_repository.empty() ? c.image_repository : c.dns.image_repository;
  // The official CoreDNS image moved to <registry>/coredns/coredns; mirrors keep the flat name.
  if (r.coredns_in_subpath && repo == r.default_registry) repo += "/coredns";
  std::string tag = c.dns.image_tag.empty() ? r.coredns_version : c.dns.image_tag;
  return repo + "/coredns:" + tag;
}

std::string pause_image(const api::ClusterConfiguration& c) {
  return c.image_repository + "/pause:" + api::release_of(c).pause_version;
}

std::vector<std::string> control_plane_images(const api::ClusterConfiguration& c) {
  const auto& r = api::release_of(c);
  std::vector<std::string> out = {kubernetes_image(c, "kube-apiserver"),
                                  kubernetes_image(c, "kube-controller-manager"),
                                  kubernetes_image(c, "kube-scheduler")};
  if (!c.proxy.disabled) out.push_back(kubernetes_image(c, "kube-proxy"));
  bool dns = !c.dns.disabled;
  if (dns && r.dns_image_before_pause) out.push_back(dns_image(c));
  out.push_back(pause_image(c));
  if (c.etcd.local) out.push_back(etcd_image(c));
  if (dns && !r.dns_image_before_pause) out.push_back(dns_image(c));
  return out;
}

}  // namespace kadm::images
