// kadm reset against a fake root: what each phase removes, stops and unmounts, what it leaves
// and says it left, --dry-run, the confirmation, and the --cleanup-network rule selection.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "addons/fake_client.h"
#include "host/fake_machine.h"
#include "phases/reset/cleanup_network.h"
#include "phases/reset/data.h"
#include "preflight/testing.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases::reset {
namespace {

struct Fixture {
  host::FakeMachine* m = nullptr;
  preflight::FakeRuntime* rt = nullptr;
  testing::FakeClient* client = nullptr;
  std::unique_ptr<ResetData> d;

  explicit Fixture(int minor = 20, bool with_client = false, api::ResetConfiguration cfg = {}) {
    auto machine = std::make_unique<host::FakeMachine>();
    auto runtime = std::make_unique<preflight::FakeRuntime>();
    m = machine.get();
    rt = runtime.get();
    std::unique_ptr<kube::Client> c;
    if (with_client) {
      auto fc = std::make_unique<testing::FakeClient>();
      client = fc.get();
      c = std::move(fc);
    }
    cfg.force = true;
    d = std::make_unique<ResetData>(cfg, *versions::find_release(minor), std::move(machine), std::move(runtime), std::move(c));
  }
};

// What kubeadm init leaves on a control-plane node.
void populate_control_plane(host::FakeMachine& m) {
  for (const char* f : {"kube-apiserver", "kube-controller-manager", "kube-scheduler"})
    m.put(std::string("/etc/kubernetes/manifests/") + f + ".yaml", "apiVersion: v1\nkind: Pod\n");
  m.put("/etc/kubernetes/manifests/etcd.yaml",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - command:\n    - etcd\n"
        "    - --advertise-client-urls=https://10.0.0.11:2379\n    - --initial-advertise-peer-urls=https://10.0.0.11:2380\n"
        "    - --listen-client-urls=https://127.0.0.1:2379,https://10.0.0.11:2379\n"
        "  volumes:\n  - hostPath:\n      path: /var/lib/etcd\n      type: DirectoryOrCreate\n    name: etcd-data\n");
  for (const char* f : {"admin.conf", "kubelet.conf", "controller-manager.conf", "scheduler.conf"})
    m.put(std::string("/etc/kubernetes/") + f, "kubeconfig");
  m.put("/etc/kubernetes/pki/ca.crt", "CA");
  m.put("/etc/kubernetes/pki/etcd/ca.key", "KEY", 0600);
  m.put("/var/lib/kubelet/config.yaml", "kind: KubeletConfiguration\n");
  m.put("/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~secret/token/ca.crt", "x");
  m.put("/var/lib/etcd/member/snap/db", "etcd data");
  m.put("/etc/kubernetes/other-tool.conf", "not ours");
  m.put("/proc/mounts",
        "/dev/sda1 / ext4 rw 0 0\n"
        "/dev/sda1 /var/lib/kubelet ext4 rw 0 0\n"
        "tmpfs /var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~secret/token tmpfs rw 0 0\n"
        "tmpfs /var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~projected/kube\\040api tmpfs rw 0 0\n"
        "tmpfs /var/lib/kubeletx tmpfs rw 0 0\n");
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

TEST(Reset, CleanupNodeRemovesWhatInitWrote) {
  Fixture f;
  populate_control_plane(*f.m);
  f.rt->pods = {"pod-a", "pod-b"};
  run_remove_etcd_member(*f.d);  // no reachable etcd in a fake root: the data dir is still collected
  run_cleanup_node(*f.d);
  finish(*f.d);
  auto& m = *f.m;
  // The kubelet was stopped before its Pods were removed.
  auto lines = m.command_lines();
  EXPECT_NE(std::find(lines.begin(), lines.end(), "systemctl stop kubelet"), lines.end()) << joined(lines);
  EXPECT_EQ(f.rt->removed, (std::vector<std::string>{"pod-a", "pod-b"}));
  // Mounts under /var/lib/kubelet/ only, deepest first, unescaped.
  EXPECT_EQ(m.unmounted, (std::vector<std::string>{"/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~projected/kube api",
                                                   "/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~secret/token"}));
  for (const char* gone : {"/etc/kubernetes/manifests/etcd.yaml", "/etc/kubernetes/admin.conf", "/etc/kubernetes/kubelet.conf",
                           "/etc/kubernetes/scheduler.conf", "/etc/kubernetes/pki/ca.crt", "/var/lib/kubelet/config.yaml",
                           "/var/lib/etcd/member"})
    EXPECT_FALSE(m.exists(gone)) << gone;
  // The directories stay (they may be mount points); what is not kubeadm's stays too.
  for (const char* kept : {"/etc/kubernetes/manifests", "/etc/kubernetes/pki", "/var/lib/kubelet", "/var/lib/etcd",
                           "/etc/kubernetes/other-tool.conf"})
    EXPECT_TRUE(m.exists(kept)) << kept;
}

TEST(Reset, DryRunChangesNothing) {
  api::ResetConfiguration cfg;
  cfg.dry_run = true;
  Fixture f(20, false, cfg);
  populate_control_plane(*f.m);
  f.rt->pods = {"pod-a"};
  run_remove_etcd_member(*f.d);
  run_cleanup_node(*f.d);
  finish(*f.d);
  EXPECT_TRUE(f.m->commands.empty()) << joined(f.m->command_lines());
  EXPECT_TRUE(f.m->unmounted.empty());
  EXPECT_TRUE(f.rt->removed.empty());
  EXPECT_TRUE(f.m->exists("/etc/kubernetes/admin.conf"));
  EXPECT_TRUE(f.m->exists("/var/lib/etcd/member/snap/db"));
}

TEST(Reset, LeftBehindSaysWhatAndWhy) {
  Fixture f;
  populate_control_plane(*f.m);
  f.rt->pods = {"pod-a", "pod-stuck"};
  f.rt->stuck = {"pod-stuck"};
  f.m->put("/etc/cni/net.d/10-bridge.conflist", "{}");
  run_cleanup_node(*f.d);
  finish(*f.d);
  std::string all = joined(f.d->left_behind);
  EXPECT_NE(all.find("1 Pod sandbox(es) could not be removed: [pod-stuck]"), std::string::npos) << all;
  EXPECT_NE(all.find("/etc/cni/net.d: the network plugin's configuration is not removed"), std::string::npos) << all;
  EXPECT_NE(all.find("kadm reset --cleanup-network"), std::string::npos) << all;
}

TEST(Reset, ExternalEtcdIsNotTouched) {
  Fixture f;
  run_remove_etcd_member(*f.d);
  EXPECT_TRUE(f.d->dirs_to_clean.empty());
}

TEST(Reset, EtcdDataDirComesFromTheManifestWithoutAConfig) {
  Fixture f;
  populate_control_plane(*f.m);
  f.m->put("/etc/kubernetes/manifests/etcd.yaml",
           "spec:\n  volumes:\n  - name: etcd-data\n    hostPath:\n      path: /data/etcd\n");
  run_remove_etcd_member(*f.d);
  EXPECT_EQ(f.d->dirs_to_clean, std::vector<std::string>{"/data/etcd"});
}

TEST(Reset, TheUsersCopyOfAdminConfIsRemovedOnlyWhenIdentical) {
  Fixture f;
  f.m->env["HOME"] = "/root";
  f.d->admin_conf = "apiVersion: v1\nkind: Config\n# admin\n";
  f.m->put("/root/.kube/config", *f.d->admin_conf);
  finish(*f.d);
  EXPECT_FALSE(f.m->exists("/root/.kube/config"));

  Fixture g;
  g.m->env["HOME"] = "/root";
  g.d->admin_conf = "apiVersion: v1\nkind: Config\n# admin\n";
  g.m->put("/root/.kube/config", "apiVersion: v1\nkind: Config\n# merged with other clusters\n");
  finish(*g.d);
  EXPECT_TRUE(g.m->exists("/root/.kube/config"));
  EXPECT_NE(joined(g.d->left_behind).find("/root/.kube/config: not a copy of this node's admin.conf"), std::string::npos);
}

TEST(Reset, ConfirmationIsAskedWithoutForce) {
  Fixture f;
  f.d->cfg.force = false;
  std::istringstream no("n\n");
  f.d->input = &no;
  try {
    run_preflight(*f.d);
    FAIL() << "expected an abort";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "aborted reset operation");
  }
  std::istringstream yes("y\n");
  f.d->input = &yes;
  EXPECT_NO_THROW(run_preflight(*f.d));
  f.m->uid = 1000;
  std::istringstream yes2("Y\n");
  f.d->input = &yes2;
  try {
    run_preflight(*f.d);
    FAIL() << "expected the root check to fail";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitPreflight);
  }
}

TEST(Reset, PhasesFollowTheRelease) {
  auto names = [](const std::vector<workflow::Phase>& ps) {
    std::vector<std::string> out;
    for (const auto& p : ps) out.push_back(p.name);
    return out;
  };
  EXPECT_EQ(names(reset_phases(*versions::find_release(20))),
            (std::vector<std::string>{"preflight", "update-cluster-status", "remove-etcd-member", "cleanup-node"}));
  EXPECT_EQ(names(reset_phases(*versions::find_release(22))),
            (std::vector<std::string>{"preflight", "update-cluster-status", "remove-etcd-member", "cleanup-node"}));
  EXPECT_EQ(names(reset_phases(*versions::find_release(23))),
            (std::vector<std::string>{"preflight", "remove-etcd-member", "cleanup-node"}));
}

TEST(Reset, UpdateClusterStatusRemovesThisNodeOnly) {
  Fixture f(20, true);
  populate_control_plane(*f.m);
  f.d->cluster_status = "x";
  f.client->seed({{"apiVersion", "v1"},
                  {"kind", "ConfigMap"},
                  {"metadata", {{"name", "kubeadm-config"}, {"namespace", "kube-system"}}},
                  {"data",
                   {{"ClusterConfiguration", "kind: ClusterConfiguration\n"},
                    {"ClusterStatus",
                     "apiEndpoints:\n  node1:\n    advertiseAddress: 10.0.0.11\n    bindPort: 6443\n  node2:\n"
                     "    advertiseAddress: 10.0.0.12\n    bindPort: 6443\napiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterStatus\n"}}}});
  run_update_cluster_status(*f.d);
  auto* cm = f.client->find(kube::Ref{"v1", "configmaps", "kube-system", "kubeadm-config"});
  ASSERT_NE(cm, nullptr);
  std::string status = (*cm)["data"]["ClusterStatus"];
  EXPECT_EQ(status.find("node1"), std::string::npos) << status;
  EXPECT_NE(status.find("node2"), std::string::npos) << status;
  EXPECT_EQ((*cm)["data"]["ClusterConfiguration"], "kind: ClusterConfiguration\n");
}

TEST(Reset, UpdateClusterStatusIsANoOpFromV122) {
  Fixture f(22, true);
  populate_control_plane(*f.m);
  f.d->cluster_status = "x";
  run_update_cluster_status(*f.d);
  EXPECT_TRUE(f.client->calls.empty());
}

const char* kIptablesSave = R"(# Generated by iptables-save v1.8.9 (nf_tables) on Mon Nov 25 10:00:00 2024
*mangle
:PREROUTING ACCEPT [0:0]
:KUBE-KUBELET-CANARY - [0:0]
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
-A INPUT -j KUBE-FIREWALL
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A KUBE-FIREWALL -m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:CNI-3c5f2b0d9f3cf0f3e1a3bd7e - [0:0]
:KUBE-SERVICES - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -s 10.244.0.2/32 -m comment --comment "name: \"cbr0\" id: \"0a1b\"" -j CNI-3c5f2b0d9f3cf0f3e1a3bd7e
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A CNI-3c5f2b0d9f3cf0f3e1a3bd7e -d 10.244.0.0/24 -j ACCEPT
COMMIT
)";

TEST(Reset, CleanupNetworkSelectsOnlyKubernetesAndCniRules) {
  auto plan = plan_rules_cleanup(kIptablesSave);
  EXPECT_EQ(plan.tables, (std::vector<std::string>{"mangle", "filter", "nat"}));
  EXPECT_EQ(plan.chains, (std::vector<std::string>{"mangle/KUBE-KUBELET-CANARY", "filter/KUBE-FIREWALL", "filter/KUBE-FORWARD",
                                                   "nat/CNI-3c5f2b0d9f3cf0f3e1a3bd7e", "nat/KUBE-SERVICES"}));
  EXPECT_EQ(plan.rules, 5);
  std::string all;
  for (const auto& c : plan.commands) {
    for (const auto& a : c) all += a + " ";
    all += "\n";
  }
  EXPECT_NE(all.find("-t filter -D FORWARD -s 10.244.0.0/16 -m comment --comment flanneld forward -j ACCEPT"), std::string::npos) << all;
  EXPECT_NE(all.find("-t nat -D POSTROUTING -s 10.244.0.2/32 -m comment --comment name: \"cbr0\" id: \"0a1b\" -j CNI-"),
            std::string::npos)
      << all;
  EXPECT_EQ(all.find("DOCKER"), std::string::npos) << all;
  EXPECT_EQ(all.find("MASQUERADE"), std::string::npos) << all;
  EXPECT_EQ(all.find("--dport 22"), std::string::npos) << all;
  // Chains are flushed before they are deleted.
  EXPECT_LT(all.find("-F KUBE-SERVICES"), all.find("-X KUBE-SERVICES"));
  EXPECT_TRUE(plan_rules_cleanup("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n").commands.empty());
}

TEST(Reset, CleanupNetworkIpvsAndNftables) {
  auto dels = ipvs_deletions("-A -t 10.96.0.1:443 -s rr\n-a -t 10.96.0.1:443 -r 10.0.0.11:6443 -m -w 1\n"
                             "-A -u 10.96.0.10:53 -s rr\n-A -t 10.0.0.11:31080 -s rr\n-A -t 192.168.1.5:80 -s rr\n",
                             {"10.96.0.1", "10.96.0.10"});
  ASSERT_EQ(dels.size(), 3u);
  EXPECT_EQ(dels[0], (std::vector<std::string>{"ipvsadm", "-D", "-t", "10.96.0.1:443"}));
  EXPECT_EQ(dels[1], (std::vector<std::string>{"ipvsadm", "-D", "-u", "10.96.0.10:53"}));
  EXPECT_EQ(dels[2], (std::vector<std::string>{"ipvsadm", "-D", "-t", "10.0.0.11:31080"}));
  auto tables = owned_nft_tables("table ip filter\ntable ip kube-proxy\ntable ip6 kube-proxy\ntable inet firewalld\n");
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0], (std::pair<std::string, std::string>{"ip", "kube-proxy"}));
}

TEST(Reset, CleanupNetworkRunsTheCommands) {
  Fixture f;
  f.d->cleanup_network = true;
  f.m->executables.insert({"iptables-save", "ip6tables-save", "ip6tables"});
  f.m->on_run = [](const std::vector<std::string>& argv) {
    host::CommandResult r;
    r.status = 0;
    if (argv[0] == "iptables-save") r.output = kIptablesSave;
    if (argv[0] == "ip" && argv[1] == "-o") r.status = 1;  // no kube-ipvs0
    return r;
  };
  finish(*f.d);
  auto lines = f.m->command_lines();
  EXPECT_NE(std::find(lines.begin(), lines.end(), "iptables -w 5 -t nat -F KUBE-SERVICES"), lines.end()) << joined(lines);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "iptables -w 5 -t filter -D INPUT -j KUBE-FIREWALL"), lines.end());
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("ip6tables ", 0) == 0; }), 0);
  EXPECT_EQ(joined(f.d->left_behind).find("--cleanup-network"), std::string::npos);
}

}  // namespace
}  // namespace kadm::phases::reset
