// Preflight checks against a fake root (host::FakeMachine): each check's name and message as
// upstream's, the ignore list, the per-release check lists, and that a healthy host passes.
#include <gtest/gtest.h>

#include <algorithm>

#include "api/decode.h"
#include "api/defaults.h"
#include "host/fake_machine.h"
#include "preflight/checks.h"
#include "preflight/node_checks.h"
#include "preflight/proxy.h"
#include "preflight/testing.h"
#include "util/error.h"
#include "versions/table.h"

namespace kadm::preflight {
namespace {

const char* kKernelConfig =
    "CONFIG_NAMESPACES=y\nCONFIG_NET_NS=y\nCONFIG_PID_NS=y\nCONFIG_IPC_NS=y\nCONFIG_UTS_NS=y\n"
    "CONFIG_CGROUPS=y\nCONFIG_CGROUP_CPUACCT=y\nCONFIG_CGROUP_DEVICE=y\nCONFIG_CGROUP_FREEZER=y\n"
    "CONFIG_CGROUP_SCHED=y\nCONFIG_CPUSETS=y\nCONFIG_MEMCG=y\nCONFIG_INET=y\nCONFIG_EXT4_FS=y\n"
    "CONFIG_PROC_FS=y\nCONFIG_NETFILTER_XT_TARGET_REDIRECT=m\nCONFIG_NETFILTER_XT_MATCH_COMMENT=m\n"
    "CONFIG_OVERLAY_FS=m\n# CONFIG_AUFS_FS is not set\nCONFIG_BLK_DEV_DM=m\n";

const char* kCgroups =
    "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t3\t1\t1\ncpu\t1\t1\t1\ncpuacct\t2\t1\t1\n"
    "memory\t4\t1\t1\ndevices\t5\t1\t1\nfreezer\t6\t1\t1\npids\t8\t1\t1\nhugetlb\t0\t1\t1\n";

// systemctl as a host with a running kubelet and no firewalld answers it.
host::CommandResult answer(const std::vector<std::string>& argv, const std::string& kubelet_version = "v1.20.2") {
  host::CommandResult r;
  r.status = 0;
  if (argv[0] == "kubelet") r.output = "Kubernetes " + kubelet_version + "\n";
  if (argv[0] == "systemctl" && argv.size() == 3 && argv[2] == "firewalld") {
    r.output = "Unit firewalld.service could not be found.\n   Loaded: not-found (Reason: Unit firewalld.service not found.)\n";
    r.status = 4;
  } else if (argv[0] == "systemctl" && argv[1] == "status") {
    r.output = "● kubelet.service\n     Loaded: loaded (/lib/systemd/system/kubelet.service; enabled)\n";
  } else if (argv[0] == "systemctl" && argv[1] == "is-active") {
    r.output = "active\n";
  }
  return r;
}

void make_healthy(host::FakeMachine& m) {
  m.put("/proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
  m.put("/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n");
  m.put("/proc/sys/net/bridge/bridge-nf-call-ip6tables", "1\n");
  m.put("/proc/sys/net/ipv4/ip_forward", "1\n");
  m.put("/proc/sys/net/ipv6/conf/default/forwarding", "1\n");
  m.put("/boot/config-" + m.kernel, kKernelConfig);
  m.put("/proc/cgroups", kCgroups);
  m.on_run = [](const std::vector<std::string>& argv) { return answer(argv); };
}

Result run(const Check& c, host::Machine& m, ContainerRuntime* rt = nullptr) {
  Env env{m, rt};
  return c.run(env);
}

std::vector<std::string> names(const std::vector<Check>& checks) {
  std::vector<std::string> out;
  for (const auto& c : checks) out.push_back(c.name);
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

api::ConfigSet init_config(const std::string& version, const std::string& extra = "") {
  auto set = api::load_config_text("apiVersion: kubeadm.k8s.io/v1beta2\nkind: InitConfiguration\n"
                                    "localAPIEndpoint:\n  advertiseAddress: 10.0.0.11\n  bindPort: 6443\n"
                                    "nodeRegistration:\n  name: node1\n  criSocket: /run/containerd/containerd.sock\n"
                                    "---\napiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\n"
                                    "kubernetesVersion: " + version + "\nnetworking:\n  podSubnet: 10.244.0.0/16\n" + extra,
                                    "test.yaml");
  api::set_defaults(set);
  return set;
}

TEST(Preflight, IgnoreSetIsCaseInsensitiveAndSplitsCommas) {
  auto s = IgnoreSet::parse({"swap,NumCPU"}, {"FileContent--proc-sys-net-ipv4-ip_forward"});
  EXPECT_TRUE(s.ignores("Swap"));
  EXPECT_TRUE(s.ignores("numcpu"));
  EXPECT_TRUE(s.ignores("FileContent--proc-sys-net-ipv4-ip_forward"));
  EXPECT_FALSE(s.ignores("Mem"));
  EXPECT_TRUE(IgnoreSet::parse({"all"}, {}).ignores("anything"));
}

TEST(Preflight, AllTogetherWithNamesIsAUsageError) {
  try {
    IgnoreSet::parse({"all", "Swap"}, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "don't specify individual checks if 'all' is used");
    EXPECT_EQ(e.exit_code(), kExitUsage);
  }
}

TEST(Preflight, UnknownIgnoredNameIsAWarningWithTheClosestCheck) {
  auto w = unknown_name_warnings(IgnoreSet::parse({"swapp", "numcpu", "Port-6444", "RequiredIPVSKernelModulesAvailable"}, {}),
                                 {swap(SwapStyle::ErrorDisable)});
  ASSERT_EQ(w.size(), 1u) << (w.empty() ? "" : w[0]);
  EXPECT_NE(w[0].find("\"swapp\""), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("did you mean \"Swap\""), std::string::npos) << w[0];
}

TEST(Preflight, UnknownNameSuggestsAPathBasedCheck) {
  auto w = unknown_name_warnings(IgnoreSet::parse({"FileContent--proc-sys-net-ipv4-ipforward"}, {}), {});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("did you mean \"FileContent--proc-sys-net-ipv4-ip_forward\""), std::string::npos) << w[0];
}

TEST(Preflight, IgnoredErrorsBecomeWarningsAndOthersFail) {
  host::FakeMachine m;
  m.uid = 1000;
  m.cpus = 1;
  std::FILE* sink = std::tmpfile();
  Env env{m, nullptr};
  auto rep = run_checks({is_privileged_user(), num_cpu(2)}, env, IgnoreSet::parse({"NumCPU"}, {}), sink);
  EXPECT_EQ(rep.errors, 1);
  EXPECT_EQ(rep.warnings, 1);
  ASSERT_EQ(rep.lines.size(), 1u);
  EXPECT_EQ(rep.lines[0], "\t[ERROR IsPrivilegedUser]: user is not running as root");
  std::rewind(sink);
  char buf[256] = {};
  std::fread(buf, 1, sizeof buf - 1, sink);
  std::fclose(sink);
  EXPECT_EQ(std::string(buf), "\t[WARNING NumCPU]: the number of available CPUs 1 is less than the required 2\n");
  try {
    throw_if_failed(rep);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitPreflight);
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind("[preflight] Some fatal errors occurred:\n\t[ERROR IsPrivilegedUser]: user is not running as root\n", 0), 0u) << msg;
    EXPECT_NE(msg.find("--ignore-preflight-errors=..."), std::string::npos);
    EXPECT_NE(std::string(e.hint()).find("--ignore-preflight-errors=IsPrivilegedUser"), std::string::npos);
  }
}

TEST(Preflight, MemAndPorts) {
  host::FakeMachine m;
  m.ram_mb = 1000;
  EXPECT_EQ(run(mem(1700), m).errors, std::vector<std::string>{"the system RAM (1000 MB) is less than the minimum 1700 MB"});
  m.busy_ports = {6443};
  auto c = port_open(6443);
  EXPECT_EQ(c.name, "Port-6443");
  EXPECT_EQ(run(c, m).errors, std::vector<std::string>{"Port 6443 is in use"});
  EXPECT_TRUE(run(port_open(10250), m).errors.empty());
}

TEST(Preflight, FileAvailableExistingAndDirAvailable) {
  host::FakeMachine m;
  auto fa = file_available("/etc/kubernetes/manifests/kube-apiserver.yaml");
  EXPECT_EQ(fa.name, "FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml");
  EXPECT_TRUE(run(fa, m).errors.empty());
  m.put("/etc/kubernetes/manifests/kube-apiserver.yaml", "x");
  EXPECT_EQ(run(fa, m).errors, std::vector<std::string>{"/etc/kubernetes/manifests/kube-apiserver.yaml already exists"});

  auto fe = file_existing("/etc/ssl/etcd/ca.crt", "ExternalEtcdClientCertificates");
  EXPECT_EQ(fe.name, "ExternalEtcdClientCertificates");
  EXPECT_EQ(run(fe, m).errors, std::vector<std::string>{"/etc/ssl/etcd/ca.crt doesn't exist"});

  auto da = dir_available("/var/lib/etcd");
  EXPECT_EQ(da.name, "DirAvailable--var-lib-etcd");
  EXPECT_TRUE(run(da, m).errors.empty());  // missing is fine
  m.put("/var/lib/etcd/keep", "");
  m.remove_all("/var/lib/etcd/keep");
  EXPECT_TRUE(run(da, m).errors.empty());  // empty is fine
  m.put("/var/lib/etcd/member/snap/db", "x");
  EXPECT_EQ(run(da, m).errors, std::vector<std::string>{"/var/lib/etcd is not empty"});
}

TEST(Preflight, FileContentNeedsALeadingOne) {
  host::FakeMachine m;
  auto c = file_content("/proc/sys/net/ipv4/ip_forward", "1");
  EXPECT_EQ(c.name, "FileContent--proc-sys-net-ipv4-ip_forward");
  EXPECT_EQ(run(c, m).errors, std::vector<std::string>{"/proc/sys/net/ipv4/ip_forward does not exist"});
  m.put("/proc/sys/net/ipv4/ip_forward", "0\n");
  EXPECT_EQ(run(c, m).errors, std::vector<std::string>{"/proc/sys/net/ipv4/ip_forward contents are not set to 1"});
  m.put("/proc/sys/net/ipv4/ip_forward", "1\n");
  EXPECT_TRUE(run(c, m).errors.empty());
}

TEST(Preflight, InPathMandatoryIsAnErrorOptionalAWarning) {
  host::FakeMachine m;
  m.executables.erase("conntrack");
  m.executables.erase("socat");
  auto mand = in_path("conntrack", true);
  EXPECT_EQ(mand.name, "FileExisting-conntrack");
  EXPECT_EQ(run(mand, m).errors, std::vector<std::string>{"conntrack not found in system path"});
  auto opt = run(in_path("socat", false), m);
  EXPECT_TRUE(opt.errors.empty());
  EXPECT_EQ(opt.warnings, std::vector<std::string>{"socat not found in system path"});
}

TEST(Preflight, SwapIsAnErrorOnV120AndAWarningLater) {
  host::FakeMachine m;
  m.put("/proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
  EXPECT_TRUE(run(swap(SwapStyle::ErrorDisable), m).errors.empty());
  m.put("/proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n/swapfile file 1048572 0 -2\n");
  EXPECT_EQ(run(swap(SwapStyle::ErrorDisable), m).errors,
            std::vector<std::string>{"running with swap on is not supported. Please disable swap"});
  auto w = run(swap(SwapStyle::WarningCgroupV2), m);
  EXPECT_TRUE(w.errors.empty());
  ASSERT_EQ(w.warnings.size(), 1u);
  EXPECT_EQ(w.warnings[0].rfind("swap is supported for cgroup v2 only. The kubelet must be properly configured", 0), 0u);
  EXPECT_EQ(static_cast<SwapStyle>(versions::find_release(20)->preflight_swap_style), SwapStyle::ErrorDisable);
  EXPECT_EQ(static_cast<SwapStyle>(versions::find_release(36)->preflight_swap_style), SwapStyle::WarningCgroupV2);
}

TEST(Preflight, HostnameWarnsWhenItDoesNotResolveOrIsNotAName) {
  host::FakeMachine m;
  EXPECT_TRUE(run(hostname("node1", true), m).warnings.empty());
  auto r = run(hostname("node9", false), m);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_EQ(r.warnings[0], "hostname \"node9\" could not be reached");
  m.hosts["Bad_Name-"] = {"10.0.0.1"};
  auto bad = run(hostname("Bad_Name-", true), m);
  ASSERT_EQ(bad.warnings.size(), 1u);
  EXPECT_EQ(bad.warnings[0].rfind("invalid node name format \"Bad_Name-\": name part must consist of", 0), 0u) << bad.warnings[0];
}

TEST(Preflight, ProxyFromEnvironmentHonoursNoProxy) {
  host::FakeMachine m;
  EXPECT_EQ(proxy_for(m, "https", "10.0.0.11"), "");
  m.env["https_proxy"] = "proxy.example:3128";
  EXPECT_EQ(proxy_for(m, "https", "10.0.0.11"), "http://proxy.example:3128");
  EXPECT_EQ(proxy_for(m, "https", "127.0.0.1"), "");  // loopback never goes through a proxy
  m.env["NO_PROXY"] = "localhost,10.0.0.0/8,.cluster.local";
  EXPECT_EQ(proxy_for(m, "https", "10.0.0.11"), "");
  EXPECT_EQ(proxy_for(m, "https", "192.168.1.1"), "http://proxy.example:3128");
  EXPECT_EQ(proxy_for(m, "https", "api.cluster.local"), "");
  auto w = run(http_proxy("https", "192.168.1.1"), m);
  ASSERT_EQ(w.warnings.size(), 1u);
  EXPECT_EQ(w.warnings[0], "Connection to \"https://192.168.1.1\" uses proxy \"http://proxy.example:3128\". If that is not intended, adjust your proxy settings");
  auto cidr = run(http_proxy_cidr("https", "10.96.0.0/12"), m);
  EXPECT_TRUE(cidr.warnings.empty());  // 10.96.0.1 is in NO_PROXY's 10.0.0.0/8
  auto pods = run(http_proxy_cidr("https", "172.16.0.0/16"), m);
  ASSERT_EQ(pods.warnings.size(), 1u);
  EXPECT_NE(pods.warnings[0].find("connection to \"172.16.0.0/16\" uses proxy"), std::string::npos);
  EXPECT_EQ(run(http_proxy_cidr("https", "10.96.0.0/99"), m).errors.size(), 1u);
}

TEST(Preflight, ServiceCheckFollowsSystemctl) {
  host::FakeMachine m;
  m.on_run = [](const std::vector<std::string>& argv) {
    auto r = answer(argv);
    if (argv[1] == "is-enabled") r.status = 1;
    return r;
  };
  auto c = service("kubelet", false);
  EXPECT_EQ(c.name, "Service-Kubelet");
  EXPECT_EQ(run(c, m).warnings, std::vector<std::string>{"kubelet service is not enabled, please run 'systemctl enable kubelet.service'"});
  m.executables.erase("systemctl");
  EXPECT_EQ(run(c, m).warnings, std::vector<std::string>{"no supported init system detected, skipping checking for services"});
}

TEST(Preflight, FirewalldActiveIsAWarningNamingThePorts) {
  host::FakeMachine m;
  m.on_run = [](const std::vector<std::string>& argv) {
    host::CommandResult r;
    r.status = 0;
    r.output = argv[1] == "is-active" ? "active\n" : "● firewalld.service\n   Loaded: loaded\n";
    return r;
  };
  EXPECT_EQ(run(firewalld({6443, 10250}), m).warnings,
            std::vector<std::string>{"firewalld is active, please ensure ports [6443 10250] are open or your cluster may not function correctly"});
}

TEST(Preflight, KubeletVersionSkew) {
  host::FakeMachine m;
  m.on_run = [](const std::vector<std::string>& argv) { return answer(argv, "v1.18.20"); };
  EXPECT_EQ(run(kubelet_version("v1.20.2", "v1.19.0"), m).errors,
            std::vector<std::string>{"Kubelet version \"1.18.20\" is lower than kubeadm can support. Please upgrade kubelet"});
  m.on_run = [](const std::vector<std::string>& argv) { return answer(argv, "v1.21.0"); };
  auto r = run(kubelet_version("v1.20.2", "v1.19.0"), m);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].rfind("the kubelet version is higher than the control plane version.", 0), 0u);
  EXPECT_TRUE(run(kubelet_version("", "v1.19.0"), m).errors.empty());  // join: no control-plane skew part
  m.on_run = [](const std::vector<std::string>&) {
    host::CommandResult r;
    r.error = "exec: \"kubelet\": executable file not found in $PATH";
    return r;
  };
  EXPECT_EQ(run(kubelet_version("v1.20.2", "v1.19.0"), m).errors.size(), 1u);
}

TEST(Preflight, KubeletVersionRecordedInTheBinaryIsCheckedWithoutRunningIt) {
  host::FakeMachine m;
  m.go_linked["kubelet k8s.io/component-base/version.gitVersion"] = "v1.18.20";
  EXPECT_EQ(run(kubelet_version("v1.20.2", "v1.19.0"), m).errors,
            std::vector<std::string>{"Kubelet version \"1.18.20\" is lower than kubeadm can support. Please upgrade kubelet"});
  m.go_linked["kubelet k8s.io/component-base/version.gitVersion"] = "v1.20.2";
  EXPECT_TRUE(run(kubelet_version("v1.20.2", "v1.19.0"), m).errors.empty());
  EXPECT_TRUE(m.commands.empty());
}

TEST(Preflight, SystemVerificationKernelConfigAndCgroups) {
  EXPECT_TRUE(sysverify::kernel_version_ok("6.18.44-fc-v657"));
  EXPECT_TRUE(sysverify::kernel_version_ok("3.10.0-1160.el7.x86_64"));
  EXPECT_FALSE(sysverify::kernel_version_ok("3.2.0"));
  std::vector<std::string> optional;
  auto missing = sysverify::missing_kernel_config("CONFIG_NAMESPACES=y\nCONFIG_NET_NS=n\nCONFIG_IP_NF_TARGET_REDIRECT=m\n", &optional);
  EXPECT_TRUE(has(missing, "CONFIG_NET_NS"));
  EXPECT_TRUE(has(missing, "CONFIG_PID_NS"));
  EXPECT_FALSE(has(missing, "CONFIG_NAMESPACES"));
  EXPECT_FALSE(has(missing, "CONFIG_NETFILTER_XT_TARGET_REDIRECT"));  // satisfied by its alias
  EXPECT_FALSE(has(missing, "CONFIG_IP_NF_TARGET_REDIRECT"));

  host::FakeMachine m;
  make_healthy(m);
  auto ok = run(system_verification(false), m);
  EXPECT_TRUE(ok.errors.empty()) << ok.errors[0];
  m.put("/proc/cgroups", "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t1\t1\t1\nmemory\t4\t1\t0\n");
  auto bad = run(system_verification(false), m);
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0], "missing required cgroups: cpuacct cpuset devices freezer memory pids");
  EXPECT_EQ(bad.warnings, std::vector<std::string>{"missing optional cgroups: hugetlb"});
  m.remove_all("/boot");
  auto nocfg = run(system_verification(false), m);
  ASSERT_FALSE(nocfg.errors.empty());
  EXPECT_EQ(nocfg.errors[0].rfind("failed to parse kernel config: no config path in [/proc/config.gz", 0), 0u) << nocfg.errors[0];
}

TEST(Preflight, CriAndImagePullUseTheRuntime) {
  host::FakeMachine m;
  FakeRuntime rt;
  EXPECT_EQ(run(cri(), m, nullptr).errors.size(), 1u);
  EXPECT_TRUE(run(cri(), m, &rt).errors.empty());
  rt.running_error = "container runtime is not running: output: connection refused";
  EXPECT_EQ(run(cri(), m, &rt).errors, std::vector<std::string>{rt.running_error});

  ImagePullOptions o;
  o.images = {"k8s.gcr.io/pause:3.2", "k8s.gcr.io/etcd:3.4.13-0", "k8s.gcr.io/coredns:1.7.0"};
  o.sandbox_image = "k8s.gcr.io/pause:3.2";
  rt.images = {"k8s.gcr.io/pause:3.2"};
  rt.unpullable = {"k8s.gcr.io/coredns:1.7.0"};
  auto r = run(image_pull(o), m, &rt);
  EXPECT_EQ(rt.pulled, std::vector<std::string>{"k8s.gcr.io/etcd:3.4.13-0"});
  EXPECT_EQ(r.errors, std::vector<std::string>{"failed to pull image k8s.gcr.io/coredns:1.7.0: rpc error: not found"});
  rt.pulled.clear();
  o.policy = "Never";
  EXPECT_TRUE(run(image_pull(o), m, &rt).errors.empty());
  EXPECT_TRUE(rt.pulled.empty());
}

TEST(Preflight, InitChecksFollowTheRelease) {
  auto set20 = init_config("v1.20.2");
  InitInputs in20{*set20.init, *set20.cluster, *versions::find_release(20), "v1.20.2"};
  auto n20 = names(init_checks(in20));
  for (const char* n : {"NumCPU", "Mem", "KubernetesVersion", "Firewalld", "Port-6443", "Port-10259", "Port-10257",
                        "FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml", "HTTPProxy", "HTTPProxyCIDR", "CRI",
                        "FileExisting-crictl", "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables",
                        "FileContent--proc-sys-net-ipv4-ip_forward", "Swap", "FileExisting-conntrack", "SystemVerification",
                        "Hostname", "KubeletVersion", "Service-Kubelet", "Port-10250", "Port-2379", "Port-2380",
                        "DirAvailable--var-lib-etcd"})
    EXPECT_TRUE(has(n20, n)) << n;
  EXPECT_EQ(n20.front(), "NumCPU");

  auto set36 = init_config("v1.36.0");
  InitInputs in36{*set36.init, *set36.cluster, *versions::find_release(36), "v1.36.0"};
  auto n36 = names(init_checks(in36));
  EXPECT_FALSE(has(n36, "FileExisting-crictl"));
  EXPECT_FALSE(has(n36, "FileExisting-conntrack"));
  EXPECT_FALSE(has(n36, "FileContent--proc-sys-net-bridge-bridge-nf-call-iptables"));
  EXPECT_TRUE(has(n36, "FileContent--proc-sys-net-ipv4-ip_forward"));  // IPv4 subnets and address
  EXPECT_FALSE(has(n36, "FileContent--proc-sys-net-ipv6-conf-default-forwarding"));

  // A secondary control plane runs the init checks without the common ones.
  in20.secondary_control_plane = true;
  EXPECT_FALSE(has(names(init_checks(in20)), "KubeletVersion"));
}

TEST(Preflight, JoinChecksFollowTheRelease) {
  auto set = api::load_config_text("apiVersion: kubeadm.k8s.io/v1beta2\nkind: JoinConfiguration\n"
                                   "nodeRegistration:\n  name: node2\n"
                                   "discovery:\n  bootstrapToken:\n    apiServerEndpoint: 10.0.0.11:6443\n"
                                   "    token: abcdef.0123456789abcdef\n    unsafeSkipCAVerification: true\n",
                                   "join.yaml");
  api::set_defaults(set);
  auto n20 = names(join_checks({*set.join, *versions::find_release(20)}));
  EXPECT_EQ(n20.front(), "DirAvailable--etc-kubernetes-manifests");
  EXPECT_TRUE(has(n20, "FileAvailable--etc-kubernetes-kubelet.conf"));
  EXPECT_TRUE(has(n20, "FileAvailable--etc-kubernetes-pki-ca.crt"));
  EXPECT_TRUE(has(n20, "HTTPProxy"));
  auto n36 = names(join_checks({*set.join, *versions::find_release(36)}));
  EXPECT_FALSE(has(n36, "DirAvailable--etc-kubernetes-manifests"));
  EXPECT_TRUE(has(n36, "FileContent--proc-sys-net-ipv4-ip_forward"));  // from the discovery address
}

TEST(Preflight, AHealthyHostPassesEveryInitCheck) {
  host::FakeMachine m;
  make_healthy(m);
  FakeRuntime rt;
  auto set = init_config("v1.20.2");
  InitInputs in{*set.init, *set.cluster, *versions::find_release(20), "v1.20.2"};
  std::FILE* sink = std::tmpfile();
  Env env{m, &rt};
  auto rep = run_checks(init_checks(in), env, IgnoreSet{}, sink);
  std::fclose(sink);
  std::string lines;
  for (const auto& l : rep.lines) lines += l + "\n";
  EXPECT_EQ(rep.errors, 0) << lines;
  EXPECT_EQ(rep.warnings, 0);
}

TEST(Preflight, ABusyHostFailsTheChecksThatSayWhy) {
  host::FakeMachine m;
  make_healthy(m);
  m.busy_ports = {6443, 2379};
  m.put("/proc/sys/net/ipv4/ip_forward", "0\n");
  m.put("/etc/kubernetes/manifests/etcd.yaml", "x");
  FakeRuntime rt;
  auto set = init_config("v1.20.2");
  InitInputs in{*set.init, *set.cluster, *versions::find_release(20), "v1.20.2"};
  std::FILE* sink = std::tmpfile();
  Env env{m, &rt};
  auto rep = run_checks(init_checks(in), env, IgnoreSet{}, sink);
  std::fclose(sink);
  EXPECT_EQ(rep.failed, (std::vector<std::string>{"Port-6443", "FileAvailable--etc-kubernetes-manifests-etcd.yaml",
                                                  "FileContent--proc-sys-net-ipv4-ip_forward", "Port-2379"}));
}

}  // namespace
}  // namespace kadm::preflight
