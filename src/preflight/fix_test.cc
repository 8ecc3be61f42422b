// --fix against a fake root: each repair, printed before it is made, idempotent, never touching
// what it must not (firewall, hostname), and --dry-run changing nothing.
#include <gtest/gtest.h>

#include <algorithm>

#include "host/fake_machine.h"
#include "preflight/containerd_config.h"
#include "preflight/fix.h"

namespace kadm::preflight {
namespace {

const char* kSwapsOn = "Filename\tType\tSize\tUsed\tPriority\n/swap.img file 2097148 0 -2\n";
const char* kSwapsOff = "Filename\tType\tSize\tUsed\tPriority\n";
const char* kFstab =
    "# /etc/fstab\nUUID=1234 / ext4 errors=remount-ro 0 1\n/swap.img none swap sw 0 0\n"
    "# /dev/sdb2 none swap sw 0 0\n";

// containerd 1.6's `containerd config default`, abridged to the parts --fix edits.
const char* kContainerdDefault = R"(disabled_plugins = []
version = 2

[plugins]

  [plugins."io.containerd.grpc.v1.cri"]
    # the pause image
    sandbox_image = "registry.k8s.io/pause:3.6"
    max_concurrent_downloads = 3

    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes]

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          runtime_type = "io.containerd.runc.v2"

          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
            BinaryName = ""
            SystemdCgroup = false

    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = ""

      [plugins."io.containerd.grpc.v1.cri".registry.mirrors]
)";

// A host where everything needed is already right (modules built in, sysctls 1, swap off).
void make_fixed(host::FakeMachine& m) {
  m.put("/proc/swaps", kSwapsOff);
  m.put("/etc/fstab", "UUID=1234 / ext4 errors=remount-ro 0 1\n");
  m.put("/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n");
  m.put("/proc/sys/net/bridge/bridge-nf-call-ip6tables", "1\n");
  m.put("/proc/sys/net/ipv4/ip_forward", "1\n");
  m.put("/proc/filesystems", "nodev\tsysfs\nnodev\toverlay\n\text4\n");
}

FixInputs inputs() {
  FixInputs in;
  in.cgroup_driver = "systemd";
  in.cri_socket = "unix:///run/containerd/containerd.sock";
  in.sandbox_image = "registry.aliyuncs.com/google_containers/pause:3.2";
  in.image_repository = "registry.aliyuncs.com/google_containers";
  in.default_registry = "k8s.gcr.io";
  in.node_name = "node1";
  in.ports = {6443, 10250};
  return in;
}

// Commands that change the host (planning may only query: systemctl status/is-active, containerd
// config default).
bool changes_host(const std::string& command_line) {
  for (const char* q : {"systemctl status ", "systemctl is-active ", "systemctl is-enabled ", "containerd config default"})
    if (command_line.rfind(q, 0) == 0) return false;
  return true;
}

// Runs the plan and, like the kernel would, makes the sysctl and swapoff commands take effect.
int apply(host::FakeMachine& m, const FixPlan& plan, bool dry_run = false, std::string* printed = nullptr) {
  m.on_run = [&m](const std::vector<std::string>& argv) {
    host::CommandResult r;
    r.status = 0;
    if (argv[0] == "sysctl" && argv.size() == 3) {
      std::string kv = argv[2];
      std::string key = kv.substr(0, kv.find('='));
      std::replace(key.begin(), key.end(), '.', '/');
      m.put("/proc/sys/" + key, kv.substr(kv.find('=') + 1) + "\n");
    }
    if (argv[0] == "swapoff") m.put("/proc/swaps", kSwapsOff);
    return r;
  };
  std::FILE* out = std::tmpfile();
  int failed = apply_fixes(m, plan, dry_run, out);
  if (printed) {
    std::rewind(out);
    char buf[4096];
    size_t n;
    printed->clear();
    while ((n = std::fread(buf, 1, sizeof buf, out)) > 0) printed->append(buf, n);
  }
  std::fclose(out);
  return failed;
}

TEST(Fix, SwapOffNowAndAtBoot) {
  host::FakeMachine m;
  make_fixed(m);
  m.put("/proc/swaps", kSwapsOn);
  m.put("/etc/fstab", kFstab);
  auto plan = plan_fixes(m, inputs());
  std::string printed;
  EXPECT_EQ(apply(m, plan, false, &printed), 0);
  auto lines = m.command_lines();
  EXPECT_NE(std::find(lines.begin(), lines.end(), "swapoff -a"), lines.end());
  std::string fstab = m.get("/etc/fstab");
  EXPECT_NE(fstab.find("# /swap.img none swap sw 0 0  # disabled by kadm --fix"), std::string::npos) << fstab;
  EXPECT_NE(fstab.find("UUID=1234 / ext4 errors=remount-ro 0 1\n"), std::string::npos);
  EXPECT_NE(fstab.find("\n# /dev/sdb2 none swap sw 0 0\n"), std::string::npos);  // already commented: untouched
  // Each change is printed before it is made.
  EXPECT_LT(printed.find("swap is on (1 device): turning it off now"), printed.find("run: swapoff -a"));
  // Idempotent.
  auto again = plan_fixes(m, inputs());
  for (const auto& c : again.changes) EXPECT_EQ(c.title.find("swap"), std::string::npos) << c.title;
}

TEST(Fix, BuiltInModulesAreAlreadyAvailableAndNotLoaded) {
  host::FakeMachine m;
  make_fixed(m);
  auto plan = plan_fixes(m, inputs());
  for (const auto& c : plan.changes) {
    EXPECT_TRUE(c.command.empty() || c.command[0] != "modprobe") << c.title;
    EXPECT_NE(c.path, kModulesFile) << "built-in modules need no modules-load.d entry";
  }
  EXPECT_NE(std::find(plan.fine.begin(), plan.fine.end(), "kernel module br_netfilter is already available (built into the kernel)"),
            plan.fine.end());
}

TEST(Fix, MissingModulesAreLoadedAndListedForBoot) {
  host::FakeMachine m;
  make_fixed(m);
  m.remove_all("/proc/sys/net/bridge");
  m.put("/proc/filesystems", "nodev\tsysfs\n");
  auto plan = plan_fixes(m, inputs());
  std::vector<std::string> cmds;
  for (const auto& c : plan.changes)
    if (!c.command.empty()) cmds.push_back(c.command[0] + " " + c.command.back());
  EXPECT_NE(std::find(cmds.begin(), cmds.end(), "modprobe overlay"), cmds.end());
  EXPECT_NE(std::find(cmds.begin(), cmds.end(), "modprobe br_netfilter"), cmds.end());
  // The bridge sysctls are set after br_netfilter is loaded.
  auto pos = [&](const std::string& s) { return std::find(cmds.begin(), cmds.end(), s) - cmds.begin(); };
  EXPECT_LT(pos("modprobe br_netfilter"), pos("sysctl net.bridge.bridge-nf-call-iptables=1"));
  EXPECT_EQ(apply(m, plan), 0);
  EXPECT_EQ(m.get(kModulesFile), "# Kernel modules Kubernetes needs, loaded at boot (written by kadm --fix).\noverlay\nbr_netfilter\n");
}

TEST(Fix, ModprobeFailureIsReportedNotFatalForTheRest) {
  host::FakeMachine m;
  make_fixed(m);
  m.remove_all("/proc/sys/net/bridge");
  auto plan = plan_fixes(m, inputs());
  m.on_run = nullptr;
  std::FILE* out = std::tmpfile();
  m.on_run = [](const std::vector<std::string>& argv) {
    host::CommandResult r;
    r.status = argv[0] == "modprobe" ? 1 : 0;
    if (r.status) {
      r.error = "exit status 1";
      r.output = "modprobe: FATAL: Module br_netfilter not found in directory /lib/modules/6.1.0";
    }
    return r;
  };
  int failed = apply_fixes(m, plan, false, out);
  std::fclose(out);
  EXPECT_EQ(failed, 1);
  EXPECT_NE(m.get(kSysctlFile), "<missing>");  // later changes still made
}

TEST(Fix, SysctlsNowAndPersistently) {
  host::FakeMachine m;
  make_fixed(m);
  m.put("/proc/sys/net/ipv4/ip_forward", "0\n");
  auto plan = plan_fixes(m, inputs());
  auto repaired = repaired_checks(plan);
  EXPECT_NE(std::find(repaired.begin(), repaired.end(), "FileContent--proc-sys-net-ipv4-ip_forward"), repaired.end());
  EXPECT_EQ(apply(m, plan), 0);
  auto lines = m.command_lines();
  EXPECT_NE(std::find(lines.begin(), lines.end(), "sysctl -w net.ipv4.ip_forward=1"), lines.end());
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("sysctl", 0) == 0; }), 1);
  std::string conf = m.get(kSysctlFile);
  EXPECT_NE(conf.find("net.ipv4.ip_forward = 1\n"), std::string::npos);
  EXPECT_NE(conf.find("net.bridge.bridge-nf-call-iptables = 1\n"), std::string::npos);
  EXPECT_EQ(conf.find("ipv6"), std::string::npos);
  // The second run finds nothing to do for sysctls.
  for (const auto& c : plan_fixes(m, inputs()).changes) EXPECT_EQ(c.title.find("net."), std::string::npos) << c.title;
}

TEST(Fix, SysctlConfOverrideIsReportedNotEdited) {
  host::FakeMachine m;
  make_fixed(m);
  m.put("/etc/sysctl.conf", "net.ipv4.ip_forward=0\n");
  auto plan = plan_fixes(m, inputs());
  bool found = false;
  for (const auto& u : plan.untouched) found = found || u.find("/etc/sysctl.conf sets net.ipv4.ip_forward = 0") != std::string::npos;
  EXPECT_TRUE(found);
  apply(m, plan);
  EXPECT_EQ(m.get("/etc/sysctl.conf"), "net.ipv4.ip_forward=0\n");
}

TEST(Fix, ContainerdAlignedWithKubeletAndImageRepository) {
  host::FakeMachine m;
  make_fixed(m);
  m.put(kContainerdConfig, kContainerdDefault);
  auto plan = plan_fixes(m, inputs());
  EXPECT_EQ(apply(m, plan), 0);
  std::string cfg = m.get(kContainerdConfig);
  EXPECT_NE(cfg.find("            SystemdCgroup = true\n"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("    sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.2\"\n"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("    # the pause image\n"), std::string::npos);  // comments kept
  EXPECT_NE(cfg.find("[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"k8s.gcr.io\"]\n  endpoint = "
                     "[\"https://registry.aliyuncs.com/v2/google_containers\"]"),
            std::string::npos)
      << cfg;
  EXPECT_EQ(toml_get(cfg, "plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options", "SystemdCgroup"), "true");
  auto lines = m.command_lines();
  EXPECT_EQ(lines.back(), "systemctl restart containerd");
  // Idempotent: nothing more to change, no restart.
  auto again = plan_fixes(m, inputs());
  for (const auto& c : again.changes) ADD_FAILURE() << "unexpected change: " << c.title;
}

TEST(Fix, ContainerdCgroupfsKubeletKeepsSystemdCgroupFalse) {
  host::FakeMachine m;
  make_fixed(m);
  m.put(kContainerdConfig, kContainerdDefault);
  auto in = inputs();
  in.cgroup_driver = "cgroupfs";
  in.sandbox_image = "registry.k8s.io/pause:3.6";
  in.image_repository = "registry.k8s.io";
  in.default_registry = "registry.k8s.io";
  auto plan = plan_fixes(m, in);
  for (const auto& c : plan.changes)
    EXPECT_TRUE(c.path != kContainerdConfig && c.command.empty()) << "unexpected change: " << c.title;
}

TEST(Fix, MissingContainerdConfigStartsFromItsDefault) {
  host::FakeMachine m;
  make_fixed(m);
  m.on_run = [](const std::vector<std::string>& argv) {
    host::CommandResult r;
    r.status = 0;
    if (argv[0] == "containerd") r.output = kContainerdDefault;
    return r;
  };
  m.executables.insert("containerd");
  auto plan = plan_fixes(m, inputs());
  EXPECT_EQ(m.command_lines().front(), "containerd config default");
  for (const auto& l : m.command_lines()) EXPECT_FALSE(changes_host(l)) << "planning ran " << l;
  apply(m, plan);
  EXPECT_NE(m.get(kContainerdConfig).find("SystemdCgroup = true"), std::string::npos);
}

TEST(Fix, ConfigPathMirrorGoesToHostsToml) {
  std::string cfg = kContainerdDefault;
  cfg.replace(cfg.find("config_path = \"\""), 16, "config_path = \"/etc/containerd/certs.d\"");
  ContainerdEdits e;
  e.mirror_registry = "registry.k8s.io";
  e.mirror_endpoint = "https://mirror.example/v2/k8s";
  auto r = edit_containerd_config(cfg, e);
  ASSERT_EQ(r.files.count("/etc/containerd/certs.d/registry.k8s.io/hosts.toml"), 1u);
  EXPECT_EQ(r.files["/etc/containerd/certs.d/registry.k8s.io/hosts.toml"],
            "server = \"https://registry.k8s.io\"\n\n[host.\"https://mirror.example/v2/k8s\"]\n"
            "  capabilities = [\"pull\", \"resolve\"]\n  override_path = true\n");
  EXPECT_EQ(r.config, cfg);  // no legacy mirrors next to config_path (containerd refuses both)
}

TEST(Fix, OldContainerdConfigFormatIsNotTouched) {
  auto r = edit_containerd_config("[plugins.cri]\n  sandbox_image = \"k8s.gcr.io/pause:3.1\"\n", {true, "x/pause:3.2", "", ""});
  EXPECT_TRUE(r.changes.empty());
  ASSERT_EQ(r.untouched.size(), 1u);
  EXPECT_NE(r.untouched[0].find("version 1 is not edited"), std::string::npos);
}

TEST(Fix, Containerd2ConfigUsesItsPluginNames) {
  auto r = edit_containerd_config("version = 3\n", {true, "registry.k8s.io/pause:3.10", "", ""});
  EXPECT_NE(r.config.find("[plugins.\"io.containerd.cri.v1.runtime\".containerd.runtimes.runc.options]\n  SystemdCgroup = true"),
            std::string::npos)
      << r.config;
  EXPECT_NE(r.config.find("[plugins.\"io.containerd.cri.v1.images\".pinned_images]\n  sandbox = \"registry.k8s.io/pause:3.10\""),
            std::string::npos)
      << r.config;
}

TEST(Fix, DryRunChangesNothing) {
  host::FakeMachine m;
  make_fixed(m);
  m.put("/proc/swaps", kSwapsOn);
  m.put("/etc/fstab", kFstab);
  m.put("/proc/sys/net/ipv4/ip_forward", "0\n");
  m.put(kContainerdConfig, kContainerdDefault);
  auto plan = plan_fixes(m, inputs());
  ASSERT_FALSE(plan.changes.empty());
  std::string printed;
  EXPECT_EQ(apply(m, plan, true, &printed), 0);
  for (const auto& l : m.command_lines()) EXPECT_FALSE(changes_host(l)) << "the dry run ran " << l;
  EXPECT_EQ(m.get("/etc/fstab"), kFstab);
  EXPECT_EQ(m.get(kContainerdConfig), kContainerdDefault);
  EXPECT_EQ(m.get(kSysctlFile), "<missing>");
  EXPECT_NE(printed.find("[fix] would: swap is on"), std::string::npos) << printed;
  EXPECT_NE(printed.find("[fix] dry run:"), std::string::npos);
}

TEST(Fix, FirewallAndHostnameAreHintsOnly) {
  host::FakeMachine m;
  make_fixed(m);
  m.on_run = [](const std::vector<std::string>& argv) {
    host::CommandResult r;
    r.status = 0;
    if (argv[0] == "systemctl") r.output = argv[1] == "is-active" ? "active\n" : "Loaded: loaded\n";
    return r;
  };
  auto in = inputs();
  in.node_name = "unresolvable";
  auto plan = plan_fixes(m, in);
  std::string all;
  for (const auto& u : plan.untouched) all += u + "\n";
  EXPECT_NE(all.find("firewalld is active: kadm does not change firewall rules; open TCP ports 6443, 10250"), std::string::npos) << all;
  EXPECT_NE(all.find("the node name \"unresolvable\" does not resolve"), std::string::npos) << all;
  for (const auto& c : plan.changes) {
    EXPECT_EQ(c.title.find("firewall"), std::string::npos);
    EXPECT_NE(c.path, "/etc/hosts");
    EXPECT_NE(c.path, "/etc/hostname");
  }
}

TEST(Fix, AFakeRootNeverRunsCommandsOnTheHost) {
  host::FakeMachine fake;  // only for its temporary directory
  host::SystemMachine m(fake.real("/"));
  auto r = m.run({"swapoff", "-a"});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.error.find("refusing to run"), std::string::npos);
  EXPECT_NE(m.unmount("/var/lib/kubelet/pods", 0), "");
}

}  // namespace
}  // namespace kadm::preflight
