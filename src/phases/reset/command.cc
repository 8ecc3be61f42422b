// `kadm reset` and `kadm reset phase …`: flags, the phase list of the release, and the run.
#include "cli/root.h"
#include "phases/reset/data.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases::reset {
namespace {

void add_reset_flags(cli::Command& cmd, ResetOptions& o) {
  cmd.flag("cert-dir", "The path to the directory where the certificates are stored. If specified, clean this directory.", &o.cert_dir, "/etc/kubernetes/pki");
  cmd.flag("cleanup-tmp-dir", "Cleanup the \"/etc/kubernetes/tmp\" directory", &o.cleanup_tmp_dir);
  cmd.flag("cleanup-network", "[kadm] Also remove the iptables, ip6tables and nftables rules and the IPVS services that kube-proxy, the kubelet and the CNI plugin left on this node (chains KUBE-*, CNI-*, FLANNEL-*, cali-*, WEAVE-*, CILIUM_* and the rules jumping to them; IPVS services on kube-ipvs0 or NodePorts). Other rules are kept.", &o.cleanup_network);
  cmd.flag("config", "Path to a kubeadm configuration file.", &o.config_path);
  cmd.flag("cri-socket", "Path to the CRI socket to connect. If empty kadm will try to auto-detect this value; use this option only if you have more than one CRI installed or if you have non-standard CRI socket.", &o.cri_socket);
  cmd.flag("dry-run", "Don't apply any changes; just output what would be done.", &o.dry_run);
  cmd.flag(cli::Flag{"force", 'f', "Reset the node without prompting for confirmation.", &o.force});
  cmd.flag("ignore-preflight-errors", "A list of checks whose errors will be shown as warnings. Example: 'IsPrivilegedUser,Swap'. Value 'all' ignores errors from all checks.", &o.ignore_preflight_errors);
  cmd.flag("kubeconfig", "The kubeconfig file to use when talking to the cluster. If the flag is not set, a set of standard locations can be searched for an existing kubeconfig file.", &o.kubeconfig, "/etc/kubernetes/admin.conf");
  cmd.flag("skip-phases", "List of phases to be skipped", &o.skip_phases);
}

workflow::Phase phase(const char* name, const char* short_help, const char* long_help,
                      std::vector<std::string> flags, void (*body)(ResetData&)) {
  workflow::Phase p;
  p.name = name;
  p.short_help = short_help;
  p.long_help = long_help;
  p.inherit_flags = std::move(flags);
  p.run = [body](workflow::Context& ctx) { body(ctx.data<ResetData>()); };
  return p;
}

}  // namespace

std::vector<workflow::Phase> reset_phases(const versions::Release& r) {
  std::vector<workflow::Phase> out;
  out.push_back(phase("preflight", "Run reset pre-flight checks", "Run pre-flight checks for kadm reset.",
                      {"ignore-preflight-errors", "force", "dry-run", "config"}, run_preflight));
  if (r.reset_update_cluster_status)
    out.push_back(phase("update-cluster-status", "Remove this node from the ClusterStatus object.",
                        "Remove this node from the ClusterStatus object if the node is a control plane node.",
                        {"kubeconfig", "dry-run", "config"}, run_update_cluster_status));
  out.push_back(phase("remove-etcd-member", "Remove a local etcd member.",
                      "Remove a local etcd member for a control plane node.", {"kubeconfig", "dry-run", "config"},
                      run_remove_etcd_member));
  out.push_back(phase("cleanup-node", "Run cleanup node.", "Run cleanup node.",
                      {"cert-dir", "cri-socket", "cleanup-tmp-dir", "dry-run", "config", "kubeconfig"}, run_cleanup_node));
  return out;
}

void add_reset_command(cli::Command& root) {
  ResetOptions& o = reset_options();
  auto& cmd = root.add("reset", "Performs a best effort revert of changes made to this host by 'kadm init' or 'kadm join'");
  cmd.long_help = R"TXT(Performs a best effort revert of changes made to this host by 'kadm init' or 'kadm join' (or by
'kubeadm init' / 'kubeadm join': the files and objects are the same).

It stops the kubelet, removes this node's etcd member when other members remain, removes the
node's Pods through the container runtime, unmounts what the kubelet mounted, and deletes what
init or join wrote in /etc/kubernetes, /var/lib/kubelet and the local etcd data directory, plus
a copy of admin.conf in ~/.kube/config. With --cleanup-network it also removes the packet-filter
rules and IPVS services of kube-proxy and the CNI plugin. It ends with a list of everything it
left behind and why.)TXT";
  add_reset_flags(cmd, o);
  auto wf = std::make_shared<workflow::Workflow>();
  // Help and the phase commands show v1.22's list (the longest); a run uses its release's.
  wf->phases = reset_phases(versions::oldest_release());
  wf->factory = [](const cli::Invocation& inv) -> std::unique_ptr<workflow::Data> {
    return std::make_unique<ResetData>(inv);
  };
  workflow::attach(cmd, wf, &o.skip_phases);
  cmd.run = [wf](cli::Invocation& inv) {
    workflow::Context ctx(inv, wf->factory);
    auto& data = ctx.data<ResetData>();
    workflow::Workflow run_wf = *wf;
    run_wf.phases = reset_phases(data.release());
    workflow::run_all(run_wf, ctx, data.cfg.skip_phases);
    finish(data);
    return 0;
  };
}

}  // namespace kadm::phases::reset
