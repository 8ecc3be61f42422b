// kadm reset --cleanup-network: removes the packet-filter rules and IPVS services that
// kube-proxy, the kubelet and the CNI plugin left on the node — and only those: iptables and
// ip6tables chains named KUBE-*, CNI-*, FLANNEL-*, cali-*, WEAVE-*, CILIUM_* and the rules of
// other chains that jump to them (or carry flannel's comments), nftables tables of kube-proxy,
// flannel and Calico, and the IPVS virtual services on kube-ipvs0 addresses or in the NodePort
// range. Docker's and the user's rules stay. Upstream kubeadm leaves all of this to the user.
#pragma once

#include <string>
#include <vector>

namespace kadm::phases::reset {

class ResetData;

// The changes for one iptables-save dump: iptables arguments (after the binary), in order:
// deletions of rules that jump to owned chains, then flushes and deletions of the owned chains.
// Empty when nothing is owned.
struct RulesCleanup {
  std::vector<std::vector<std::string>> commands;
  int rules = 0;                     // rules deleted from chains that stay
  std::vector<std::string> chains;   // "nat/KUBE-SERVICES", removed
  std::vector<std::string> tables;   // tables touched
};
RulesCleanup plan_rules_cleanup(const std::string& save_output);
bool owned_chain(const std::string& chain);

// "ip kube-proxy" style (family, name) pairs of `nft list tables` output that belong to
// kube-proxy or a CNI plugin.
std::vector<std::pair<std::string, std::string>> owned_nft_tables(const std::string& list_tables_output);

// ipvsadm commands deleting the virtual services of `ipvsadm-save -n` output whose address is
// one of kube-ipvs0's, or whose port is in the NodePort range 30000-32767.
std::vector<std::vector<std::string>> ipvs_deletions(const std::string& save_output,
                                                     const std::vector<std::string>& kube_ipvs0_addresses);

// Does it (or prints what it would do under --dry-run); failures go to d.left_behind.
void cleanup_network(ResetData& d);

}  // namespace kadm::phases::reset
