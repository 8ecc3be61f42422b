// The CoreDNS addon's API objects as kubeadm of each release sends them (upstream
// phases/addons/dns/manifests.go): pure builders, no I/O. v1.20 equals what kubeadm v1.20.2
// creates (tests/fixtures/addons/v1.20); later releases differ by the version-table fields
// named coredns_* (each cites its pull request).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/types.h"
#include "versions/table.h"

namespace kadm::addons {

using json = nlohmann::json;

inline constexpr int kCoreDNSDefaultReplicas = 2;

// What the v1.20 kube-dns ConfigMap translation contributes to the Corefile (empty when there is
// no kube-dns ConfigMap or the release no longer reads it).
struct KubeDNSTranslation {
  std::string upstream_nameservers = "/etc/resolv.conf";  // after "forward ."
  std::string stub_domains;  // extra server blocks, appended after the main block
};

// Reads stubDomains and upstreamNameservers of kube-dns's ConfigMap (v1.20). Hostnames are
// dropped as upstream drops them; `warnings` receives upstream's message for each. Throws
// kadm::Error naming the ConfigMap key when its JSON does not parse.
KubeDNSTranslation translate_kube_dns(const json& kube_dns_config_map,
                                      std::vector<std::string>* warnings);

// The Corefile for `dns_domain`.
std::string corefile(const std::string& dns_domain, const versions::Release& r,
                     const KubeDNSTranslation& kube_dns = {});

// True when `existing` is a Corefile kubeadm itself wrote for some release in the table (what
// upstream's migration.Default tells apart from a user's Corefile), whitespace-insensitively.
bool is_default_corefile(const std::string& existing);

// The DNS Service address: the 10th address of the first service subnet. Throws kadm::Error
// naming networking.serviceSubnet when it does not parse or is too small.
std::string dns_service_ip(const std::string& service_subnet);

struct CoreDNSObjects {
  json config_map;
  json cluster_role;
  json cluster_role_binding;
  json service_account;
  json deployment;
  json service;
};

// Every object of the addon. `replicas` is the running Deployment's count (upstream keeps it)
// or kCoreDNSDefaultReplicas.
CoreDNSObjects coredns_objects(const api::ClusterConfiguration& cluster, const versions::Release& r,
                               int replicas, const KubeDNSTranslation& kube_dns = {});

}  // namespace kadm::addons
