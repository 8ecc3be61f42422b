// init phase bootstrap-token: token Secrets, the RBAC that lets a token's holder join, and the
// signed-by-the-controller cluster-info ConfigMap in kube-public (§3.5–§3.7).
#include <fmt/format.h>

#include "api/bootstrap_token.h"
#include "kube/apply.h"
#include "kubeconfig/kubeconfig.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "phases/init/rbac.h"
#include "tokens/secret.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases {
namespace {

using kube::json;

// The token id, never its secret half: the secret appears only in the join command.
std::string token_for_log(const std::string& token, bool withheld) {
  if (withheld) return "<value withheld>";
  auto parts = api::parse_token(token);
  return parts ? parts->id + ".<secret>" : "<invalid>";
}

// cluster-info's kubeconfig: the admin.conf cluster (server and CA) under an empty name, no
// users or contexts, as client-go writes it.
std::string cluster_info_kubeconfig(const std::string& admin_conf) {
  auto cfg = kubeconfig::load(admin_conf);
  auto cur = kubeconfig::current(cfg, admin_conf);
  kubeconfig::Config out;
  kubeconfig::Cluster c;
  c.name = "";
  c.server = cur.cluster.server;
  c.ca_data = cur.ca_pem;
  out.clusters.push_back(c);
  return kubeconfig::serialize(out);
}

void run(InitData& d) {
  auto& client = d.client();
  Duration timeout = d.api_timeout();
  const auto& r = d.release();
  for (const auto& t : d.init().bootstrap_tokens)
    log::progress("[bootstrap-token] Using token: {}", token_for_log(t.token, d.skip_token_print));
  log::progress("[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles");
  auto now = tokens::Clock::now();
  for (const auto& t : d.init().bootstrap_tokens) {
    // init overwrites a token Secret of the same id (upstream's update-or-create).
    kube::create_or_update(client, tokens::token_secret(t, now), timeout);
  }
  const char* configured = r.token_rbac_lines_capitalized ? "Configured" : "configured";
  json get_nodes = {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                    {"kind", "ClusterRole"},
                    {"metadata", kube::meta("kubeadm:get-nodes", "kube-system")},
                    {"rules", {{{"apiGroups", {""}}, {"resources", {"nodes"}}, {"verbs", {"get"}}}}}};
  kube::create_or_update(client, get_nodes, timeout);
  kube::create_or_update(client, cluster_role_binding("kubeadm:get-nodes", "kubeadm:get-nodes", {group_subject(kBootstrapGroup)}), timeout);
  log::progress("[bootstrap-token] {} RBAC rules to allow Node Bootstrap tokens to get nodes", configured);
  kube::create_or_update(client, cluster_role_binding("kubeadm:kubelet-bootstrap", "system:node-bootstrapper", {group_subject(kBootstrapGroup)}), timeout);
  log::progress("[bootstrap-token] {} RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term certificate credentials", configured);
  kube::create_or_update(client,
                         cluster_role_binding("kubeadm:node-autoapprove-bootstrap",
                                              "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
                                              {group_subject(kBootstrapGroup)}),
                         timeout);
  log::progress("[bootstrap-token] {} RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node Bootstrap Token", configured);
  kube::create_or_update(client,
                         cluster_role_binding("kubeadm:node-autoapprove-certificate-rotation",
                                              "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
                                              {group_subject("system:nodes")}),
                         timeout);
  log::progress("[bootstrap-token] {} RBAC rules to allow certificate rotation for all node client certificates in the cluster", configured);

  log::progress("[bootstrap-token] Creating the \"cluster-info\" ConfigMap in the \"kube-public\" namespace");
  std::string kubeconfig = d.dry_run ? "<the admin.conf cluster: server and CA>" : cluster_info_kubeconfig(d.admin_kubeconfig());
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", kube::meta("cluster-info", "kube-public")},
             {"data", {{"kubeconfig", kubeconfig}}}};
  kube::create_or_update(client, cm, timeout);
  apply_read_role(client, "kubeadm:bootstrap-signer-clusterinfo", "kube-public", "configmaps", "cluster-info",
                  {user_subject("system:anonymous")}, timeout);
}

}  // namespace

workflow::Phase bootstrap_token_phase() {
  workflow::Phase p;
  p.name = "bootstrap-token";
  p.short_help = "Generates bootstrap tokens used to join a node to a cluster";
  p.long_help = "Bootstrap tokens are used for establishing bidirectional trust between a node joining the cluster and a control-plane node.\n\n"
                "This command makes all the configurations required to make bootstrap tokens works and then creates an initial token.";
  p.example = "  # Make all the bootstrap token configurations and create an initial token, functionally\n"
              "  # equivalent to what generated by kadm init.\n"
              "  kadm init phase bootstrap-token";
  p.inherit_flags = {"config", "kubeconfig", "skip-token-print", "dry-run"};
  p.run = [](workflow::Context& ctx) { run(ctx.data<InitData>()); };
  return p;
}

}  // namespace kadm::phases
