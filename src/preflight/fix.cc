#include "preflight/fix.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "host/init_system.h"
#include "preflight/checks.h"
#include "preflight/containerd_config.h"
#include "util/strings.h"

namespace kadm::preflight {
namespace {

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::string sysctl_path(const std::string& key) {
  std::string p = key;
  std::replace(p.begin(), p.end(), '.', '/');
  return "/proc/sys/" + p;
}

// ---- swap ----

void plan_swap(host::Machine& m, FixPlan& plan) {
  int devices = 0;
  for (const auto& l : split_lines(m.read_file("/proc/swaps").value_or("")))
    if (!trim(l).empty()) ++devices;
  devices = std::max(0, devices - 1);  // header line
  if (devices > 0) {
    Change c;
    c.title = fmt::format("swap is on ({} device{}): turning it off now (swapoff -a)", devices, devices == 1 ? "" : "s");
    c.command = {"swapoff", "-a"};
    c.repairs = {"Swap"};
    plan.changes.push_back(c);
  }
  auto fstab = m.read_file("/etc/fstab");
  std::vector<std::string> out;
  std::vector<std::string> disabled;
  if (fstab) {
    for (const auto& l : split_lines(*fstab)) {
      auto f = fields(l);
      bool swap = !f.empty() && f[0][0] != '#' && f.size() >= 3 && f[2] == "swap";
      if (swap) {
        disabled.push_back(f[0]);
        out.push_back("# " + l + "  # disabled by kadm --fix: the kubelet needs swap off");
      } else {
        out.push_back(l);
      }
    }
  }
  if (!disabled.empty()) {
    Change c;
    std::string list;
    for (const auto& d : disabled) list += (list.empty() ? "" : ", ") + d;
    c.title = fmt::format("/etc/fstab turns swap on at boot ({}): commenting those entries out", list);
    c.path = "/etc/fstab";
    c.content.clear();
    for (const auto& l : out) c.content += l + "\n";
    c.repairs = {"Swap"};
    plan.changes.push_back(c);
  }
  if (devices == 0 && disabled.empty()) plan.fine.push_back("swap is off, and /etc/fstab turns none on at boot");
}

// ---- kernel modules ----

bool module_available(host::Machine& m, const std::string& name) {
  if (name == "br_netfilter") return m.exists("/proc/sys/net/bridge");
  if (name == "overlay") {
    for (const auto& l : split_lines(m.read_file("/proc/filesystems").value_or("")))
      if (!fields(l).empty() && fields(l).back() == "overlay") return true;
    return false;
  }
  return m.exists("/sys/module/" + name);
}

// Loaded as a module (not built in): loadable modules have /sys/module/<name>/initstate.
bool module_loadable(host::Machine& m, const std::string& name) {
  return m.exists("/sys/module/" + name + "/initstate");
}

bool listed_for_boot(host::Machine& m, const std::string& name) {
  std::vector<std::string> files = {"/etc/modules"};
  for (const auto& dir : {"/etc/modules-load.d", "/usr/lib/modules-load.d", "/run/modules-load.d"})
    for (const auto& f : m.list_dir(dir))
      if (f.size() > 5 && f.compare(f.size() - 5, 5, ".conf") == 0) files.push_back(std::string(dir) + "/" + f);
  for (const auto& f : files) {
    if (f == kModulesFile) continue;
    for (const auto& l : split_lines(m.read_file(f).value_or("")))
      if (trim(l) == name) return true;
  }
  return false;
}

void plan_modules(host::Machine& m, FixPlan& plan) {
  std::vector<std::string> at_boot;
  for (const std::string name : {"overlay", "br_netfilter"}) {
    bool available = module_available(m, name);
    bool loadable = module_loadable(m, name);
    if (!available) {
      Change c;
      c.title = fmt::format("kernel module {} is not loaded: loading it (modprobe {})", name, name);
      c.command = {"modprobe", name};
      if (name == "br_netfilter") c.repairs = {"FileContent--proc-sys-net-bridge-bridge-nf-call-iptables"};
      plan.changes.push_back(c);
    } else if (!loadable) {
      plan.fine.push_back(fmt::format("kernel module {} is already available (built into the kernel)", name));
      continue;
    } else {
      plan.fine.push_back(fmt::format("kernel module {} is loaded", name));
    }
    if (!listed_for_boot(m, name)) at_boot.push_back(name);
  }
  std::string want;
  if (!at_boot.empty()) {
    want = "# Kernel modules Kubernetes needs, loaded at boot (written by kadm --fix).\n";
    for (const auto& n : at_boot) want += n + "\n";
  }
  auto have = m.read_file(kModulesFile);
  if (!want.empty() && have.value_or("") != want) {
    Change c;
    std::string list;
    for (const auto& n : at_boot) list += (list.empty() ? "" : ", ") + n;
    c.title = fmt::format("load {} at boot: writing {}", list, kModulesFile);
    c.path = kModulesFile;
    c.content = want;
    plan.changes.push_back(c);
  }
}

// ---- sysctls ----

void plan_sysctls(host::Machine& m, const FixInputs& in, FixPlan& plan, bool bridge_pending) {
  std::vector<std::string> keys = {"net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables"};
  if (in.ipv4) keys.push_back("net.ipv4.ip_forward");
  if (in.ipv6) {
    keys.push_back("net.ipv6.conf.default.forwarding");
    keys.push_back("net.ipv6.conf.all.forwarding");
  }
  for (const auto& k : keys) {
    std::string path = sysctl_path(k);
    auto now = m.read_file(path);
    bool bridge = k.rfind("net.bridge.", 0) == 0;
    if (!now && !(bridge && bridge_pending)) {
      plan.untouched.push_back(fmt::format("{} does not exist on this kernel; it cannot be set", path));
      continue;
    }
    if (now && trim(*now) == "1") {
      plan.fine.push_back(fmt::format("{} = 1", k));
      continue;
    }
    Change c;
    c.title = fmt::format("{} is {}: setting it to 1 now", k, now ? trim(*now) : "missing until br_netfilter is loaded");
    c.command = {"sysctl", "-w", k + "=1"};
    c.repairs = {path_label("FileContent", path)};
    plan.changes.push_back(c);
  }
  std::string want = "# Kubernetes networking needs these (written by kadm --fix; see kadm init phase preflight --help).\n";
  for (const auto& k : keys) want += k + " = 1\n";
  if (m.read_file(kSysctlFile).value_or("") != want) {
    Change c;
    c.title = fmt::format("keep them set after a reboot: writing {}", kSysctlFile);
    c.path = kSysctlFile;
    c.content = want;
    plan.changes.push_back(c);
  }
  // /etc/sysctl.conf is applied after /etc/sysctl.d/*.conf by systemd-sysctl (99-sysctl.conf).
  for (const auto& l : split_lines(m.read_file("/etc/sysctl.conf").value_or(""))) {
    std::string t = trim(l);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    auto eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(t.substr(0, eq));
    std::replace(key.begin(), key.end(), '/', '.');
    if (std::find(keys.begin(), keys.end(), key) != keys.end() && trim(t.substr(eq + 1)) != "1")
      plan.untouched.push_back(fmt::format(
          "/etc/sysctl.conf sets {} = {}, which overrides {} at boot; kadm does not edit it: remove that line",
          key, trim(t.substr(eq + 1)), kSysctlFile));
  }
}

// ---- containerd ----

std::string mirror_endpoint(const std::string& repo) {
  auto slash = repo.find('/');
  std::string host = repo.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : repo.substr(slash + 1);
  return path.empty() ? "https://" + host : "https://" + host + "/v2/" + path;
}

void plan_containerd(host::Machine& m, const FixInputs& in, FixPlan& plan) {
  if (!in.cri_socket.empty() && in.cri_socket.find("containerd") == std::string::npos) {
    plan.fine.push_back(fmt::format("the container runtime at {} is not containerd; its config is not touched", in.cri_socket));
    return;
  }
  auto current = m.read_file(kContainerdConfig);
  std::string base;
  bool generated = false;
  if (current) {
    base = *current;
  } else if (m.on_path("containerd")) {
    auto r = m.run({"containerd", "config", "default"});
    if (r.status != 0) {
      plan.untouched.push_back(fmt::format("{} is missing and 'containerd config default' failed: {}", kContainerdConfig, r.error));
      return;
    }
    base = r.output;
    generated = true;
  } else {
    plan.untouched.push_back(fmt::format("{} is missing and containerd is not installed; nothing to align", kContainerdConfig));
    return;
  }
  ContainerdEdits e;
  e.systemd_cgroup = in.cgroup_driver == "systemd";
  e.sandbox_image = in.sandbox_image;
  if (!in.image_repository.empty() && !in.default_registry.empty() && in.image_repository != in.default_registry &&
      in.image_repository.rfind(in.default_registry + "/", 0) != 0) {
    e.mirror_registry = in.default_registry;
    e.mirror_endpoint = mirror_endpoint(in.image_repository);
  }
  auto res = edit_containerd_config(base, e);
  for (const auto& u : res.untouched) plan.untouched.push_back(u);
  bool changed = false;
  if (generated || res.config != base) {
    Change c;
    std::string what;
    for (const auto& ch : res.changes) what += (what.empty() ? "" : "; ") + ch;
    c.title = generated ? fmt::format("{} is missing: writing containerd's default config{}{}", kContainerdConfig,
                                      what.empty() ? "" : " with: ", what)
                        : fmt::format("{}: {}", kContainerdConfig, what);
    c.path = kContainerdConfig;
    c.content = res.config;
    if (e.sandbox_image.size()) c.repairs.push_back("ImagePull");
    plan.changes.push_back(c);
    changed = true;
  }
  for (const auto& [path, text] : res.files) {
    if (m.read_file(path).value_or("") == text) continue;
    Change c;
    c.title = fmt::format("registry mirror for {}: writing {}", e.mirror_registry, path);
    c.path = path;
    c.content = text;
    plan.changes.push_back(c);
    changed = true;
  }
  if (changed) {
    std::string why;
    auto init = host::detect_init_system(m, &why);
    if (init) {
      Change c;
      c.title = "restart containerd so that it reads its new config";
      c.command = init->enable_command("containerd").rfind("systemctl", 0) == 0
                      ? std::vector<std::string>{"systemctl", "restart", "containerd"}
                      : std::vector<std::string>{"rc-service", "containerd", "restart"};
      c.best_effort = true;
      plan.changes.push_back(c);
    } else {
      plan.untouched.push_back("containerd must be restarted to read its new config; no init system was found to do it: restart it yourself");
    }
  } else {
    plan.fine.push_back(fmt::format("containerd: SystemdCgroup = {}{}{}", *e.systemd_cgroup ? "true" : "false",
                                    e.sandbox_image.empty() ? "" : ", sandbox image " + e.sandbox_image,
                                    e.mirror_registry.empty() ? "" : ", mirror for " + e.mirror_registry));
  }
}

// ---- what --fix will not touch ----

void plan_hints(host::Machine& m, const FixInputs& in, FixPlan& plan) {
  std::string why;
  auto init = host::detect_init_system(m, &why);
  if (init && init->exists("firewalld") && init->active("firewalld")) {
    std::string ports, cmds;
    for (int p : in.ports) {
      ports += (ports.empty() ? "" : ", ") + std::to_string(p);
      cmds += fmt::format(" --add-port={}/tcp", p);
    }
    plan.untouched.push_back(fmt::format(
        "firewalld is active: kadm does not change firewall rules; open TCP ports {} yourself, e.g. "
        "'firewall-cmd --permanent{} && firewall-cmd --reload'",
        ports, cmds));
  }
  if (!in.node_name.empty()) {
    std::string reason;
    if (m.lookup_host(in.node_name, &reason).empty())
      plan.untouched.push_back(fmt::format(
          "the node name \"{}\" does not resolve ({}): kadm does not change the hostname or /etc/hosts; add "
          "'<this node's IP> {}' to /etc/hosts, or set another name with 'hostnamectl set-hostname' or --node-name",
          in.node_name, reason, in.node_name));
  }
}

std::string quote_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + a;
  return out;
}

}  // namespace

FixPlan plan_fixes(host::Machine& m, const FixInputs& in) {
  FixPlan plan;
  plan_swap(m, plan);
  plan_modules(m, plan);
  bool bridge_pending = !module_available(m, "br_netfilter");
  plan_sysctls(m, in, plan, bridge_pending);
  plan_containerd(m, in, plan);
  plan_hints(m, in, plan);
  return plan;
}

int apply_fixes(host::Machine& m, const FixPlan& plan, bool dry_run, std::FILE* out) {
  auto say = [&](const std::string& s) {
    std::string line = s + "\n";
    std::fwrite(line.data(), 1, line.size(), out);
    std::fflush(out);
  };
  for (const auto& f : plan.fine) say("[fix] ok: " + f);
  int failures = 0;
  for (const auto& c : plan.changes) {
    say(fmt::format("[fix] {}{}", dry_run ? "would: " : "", c.title));
    if (!c.command.empty()) {
      say(fmt::format("[fix]   {}run: {}", dry_run ? "would " : "", quote_command(c.command)));
      if (dry_run) continue;
      auto r = m.run(c.command);
      if (r.status != 0) {
        std::string output = trim(r.output);
        say(fmt::format("[fix]   {}: '{}' failed: {}{}", c.best_effort ? "warning" : "FAILED", quote_command(c.command),
                        r.error.empty() ? "exit status " + std::to_string(r.status) : r.error,
                        output.empty() ? "" : ": " + output));
        if (!c.best_effort) ++failures;
      }
      continue;
    }
    say(fmt::format("[fix]   {}write {}:", dry_run ? "would " : "", c.path));
    std::string shown;
    for (const auto& l : split_lines(c.content)) shown += "[fix]     | " + l + "\n";
    std::fwrite(shown.data(), 1, shown.size(), out);
    if (dry_run) continue;
    try {
      m.write_file(c.path, c.content, c.mode);
    } catch (const std::exception& e) {
      say(fmt::format("[fix]   FAILED: {}", e.what()));
      ++failures;
    }
  }
  for (const auto& u : plan.untouched) say("[fix] not touched: " + u);
  if (plan.changes.empty()) say("[fix] nothing to change");
  else if (dry_run) say(fmt::format("[fix] dry run: {} change(s) shown, none made", plan.changes.size()));
  else say(fmt::format("[fix] {} change(s) made, {} failed", plan.changes.size(), failures));
  return failures;
}

std::vector<std::string> repaired_checks(const FixPlan& plan) {
  std::vector<std::string> out;
  for (const auto& c : plan.changes)
    for (const auto& r : c.repairs)
      if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  return out;
}

}  // namespace kadm::preflight
