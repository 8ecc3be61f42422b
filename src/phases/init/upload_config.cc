// init phase upload-config (kubeadm, kubelet): the kubeadm-config and kubelet ConfigMaps that
// join and upgrade read, with the RBAC that lets joining nodes read them (reference §3.3, §3.4).
#include <fmt/format.h>

#include "api/encode.h"
#include "componentconfigs/kubelet.h"
#include "host/kubelet.h"
#include "kube/apply.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "phases/init/rbac.h"
#include "util/digest.h"
#include "util/log.h"
#include "util/yaml_emit.h"

namespace kadm::phases {
namespace {

using kube::json;

// The ClusterConfiguration as the cluster's own kubeadm reads it: the release's schema
// (v1beta2 for v1.20), defaulted, without the node-local parts.
std::string cluster_configuration_yaml(const InitData& d) {
  api::ClusterConfiguration c = d.cluster();
  if (d.release().uploaded_config_has_authz_mode) {
    auto& args = c.api_server.extra_args;
    bool set = std::any_of(args.begin(), args.end(), [](const api::Arg& a) { return a.name == "authorization-mode"; });
    if (!set) args.push_back({"authorization-mode", "Node,RBAC"});
  }
  return yaml::emit(api::encode_cluster(c, d.release().written_schema, nullptr, &d.init()));
}

// v1.21 and older keep the control-plane endpoints in a ClusterStatus document.
json with_cluster_status(json cm, const InitData& d) {
  const std::string& node = d.init().node_registration.name;
  json status = {{"apiVersion", api::api_version(d.release().written_schema)}, {"kind", "ClusterStatus"}, {"apiEndpoints", json::object()}};
  if (cm["data"].contains("ClusterStatus")) {
    try {
      auto docs = api::parse_documents(cm["data"]["ClusterStatus"].get<std::string>(), "kubeadm-config ClusterStatus");
      if (!docs.empty()) {
        auto existing = api::to_json(docs.front().root);
        if (existing.contains("apiEndpoints") && existing["apiEndpoints"].is_object())
          status["apiEndpoints"] = existing["apiEndpoints"];
      }
    } catch (const Error&) {
      // A damaged status is rewritten from this node's entry.
    }
  }
  status["apiEndpoints"][node] = {{"advertiseAddress", d.init().local_api_endpoint.advertise_address},
                                  {"bindPort", d.init().local_api_endpoint.bind_port}};
  cm["data"]["ClusterStatus"] = yaml::emit(status);
  return cm;
}

void upload_kubeadm_config(InitData& d) {
  auto& client = d.client();
  log::progress("[upload-config] Storing the configuration used in ConfigMap \"kubeadm-config\" in the \"kube-system\" Namespace");
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", kube::meta("kubeadm-config", "kube-system")},
             {"data", {{"ClusterConfiguration", cluster_configuration_yaml(d)}}}};
  if (d.release().cluster_status) cm = with_cluster_status(cm, d);
  kube::create_or_mutate(client, cm,
                         [&](json& existing) {
                           // Mutation on conflict replaces the ClusterConfiguration (how upgrade
                           // bumps kubernetesVersion) and adds this node to ClusterStatus.
                           existing["data"]["ClusterConfiguration"] = cm["data"]["ClusterConfiguration"];
                           if (d.release().cluster_status) existing = with_cluster_status(existing, d);
                         },
                         d.api_timeout());
  apply_read_role(client, "kubeadm:nodes-kubeadm-config", "kube-system", "configmaps", "kubeadm-config",
                  {group_subject(kBootstrapGroup), group_subject("system:nodes")}, d.api_timeout());
}

void upload_kubelet_config(InitData& d) {
  auto& client = d.client();
  const auto& r = d.release();
  std::string name = r.versioned_kubelet_configmap ? fmt::format("kubelet-config-1.{}", r.minor) : "kubelet-config";
  log::progress("[kubelet] Creating a ConfigMap \"{}\" in namespace kube-system with the configuration for the kubelets in the cluster", name);
  componentconfigs::KubeletHostFacts facts;
  facts.systemd_resolved_active = host::service_active("systemd-resolved");
  auto config = componentconfigs::kubelet_config(d.config.kubelet, d.cluster(), r, facts, nullptr);
  std::string text = yaml::emit(config);
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", kube::meta(name, "kube-system")},
             {"data", {{"kubelet", text}}}};
  // The hash marks a kubeadm-generated config, which upgrade may regenerate (§3.4).
  if (!d.config.kubelet)
    cm["metadata"]["annotations"] = {{"kubeadm.kubernetes.io/component-config.hash", "sha256:" + hex(sha256(text))}};
  kube::create_or_update(client, cm, d.api_timeout());
  std::string role = r.versioned_kubelet_configmap ? fmt::format("kubeadm:kubelet-config-1.{}", r.minor) : "kubeadm:kubelet-config";
  apply_read_role(client, role, "kube-system", "configmaps", name,
                  {group_subject("system:nodes"), group_subject(kBootstrapGroup)}, d.api_timeout());

  if (!r.node_local_cri_socket) {
    const auto& nreg = d.init().node_registration;
    log::v(1, "[upload-config] Preserving the CRISocket information for the control-plane node");
    log::v(1, "[patchnode] Uploading the CRI Socket information \"{}\" to the Node API object \"{}\" as an annotation",
           nreg.cri_socket, nreg.name);
    kube::patch_node(client, nreg.name,
                     [&](json& node) { node["metadata"]["annotations"]["kubeadm.alpha.kubernetes.io/cri-socket"] = nreg.cri_socket; },
                     r.minor <= 20 ? std::chrono::minutes(2) : d.api_timeout());
  }
}

}  // namespace

workflow::Phase upload_config_phase() {
  workflow::Phase p;
  p.name = "upload-config";
  p.short_help = "Upload the kubeadm and kubelet configuration to a ConfigMap";
  p.with_all = true;
  workflow::Phase kubeadm;
  kubeadm.name = "kubeadm";
  kubeadm.short_help = "Upload the kubeadm ClusterConfiguration to a ConfigMap";
  kubeadm.long_help = "Upload the kubeadm ClusterConfiguration to a ConfigMap called kubeadm-config in the kube-system namespace. This enables correct configuration of system components and a seamless user experience when upgrading.\n\nAlternatively, you can use kadm config.";
  kubeadm.inherit_flags = {"config", "kubeconfig", "dry-run"};
  kubeadm.run = [](workflow::Context& ctx) { upload_kubeadm_config(ctx.data<InitData>()); };
  workflow::Phase kubelet;
  kubelet.name = "kubelet";
  kubelet.short_help = "Upload the kubelet component config to a ConfigMap";
  kubelet.long_help = "Upload the kubelet configuration extracted from the kubeadm InitConfiguration object to a kubelet-config ConfigMap in the cluster";
  kubelet.inherit_flags = {"config", "kubeconfig", "dry-run"};
  kubelet.run = [](workflow::Context& ctx) { upload_kubelet_config(ctx.data<InitData>()); };
  p.children = {kubeadm, kubelet};
  return p;
}

}  // namespace kadm::phases
