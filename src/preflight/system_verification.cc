// SystemVerification: upstream runs k8s.io/system-validators with its default spec (kernel
// release 3.10+, required kernel options, Linux, cgroup controllers; plus Docker's validator for
// dockershim). The facts below are that spec's; the report is printed only when it fails, as
// upstream does.
#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>

#include "host/machine.h"
#include "preflight/checks.h"
#include "util/strings.h"

namespace kadm::preflight {
namespace {

struct KernelOption {
  const char* name;
  std::vector<const char*> aliases;
  const char* description;
};

const std::vector<KernelOption>& required_options() {
  static const std::vector<KernelOption> v = {
      {"NAMESPACES", {}, ""},     {"NET_NS", {}, ""},         {"PID_NS", {}, ""},
      {"IPC_NS", {}, ""},         {"UTS_NS", {}, ""},         {"CGROUPS", {}, ""},
      {"CGROUP_CPUACCT", {}, ""}, {"CGROUP_DEVICE", {}, ""},  {"CGROUP_FREEZER", {}, ""},
      {"CGROUP_SCHED", {}, ""},   {"CPUSETS", {}, ""},        {"MEMCG", {}, ""},
      {"INET", {}, ""},           {"EXT4_FS", {}, ""},        {"PROC_FS", {}, ""},
      {"NETFILTER_XT_TARGET_REDIRECT", {"IP_NF_TARGET_REDIRECT"}, ""},
      {"NETFILTER_XT_MATCH_COMMENT", {}, ""},
  };
  return v;
}

const std::vector<KernelOption>& optional_options() {
  static const std::vector<KernelOption> v = {
      {"OVERLAY_FS", {"OVERLAYFS_FS"}, "Required for overlayfs."},
      {"AUFS_FS", {}, "Required for aufs."},
      {"BLK_DEV_DM", {}, "Required for devicemapper."},
  };
  return v;
}

// CONFIG_X=y|m|n lines of a kernel config.
std::map<std::string, std::string> parse_config(const std::string& text) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

// "CONFIG_X: enabled" lines in the validators' report format.
void check_option(const std::map<std::string, std::string>& config, const KernelOption& o, bool required,
                  std::vector<std::string>& bad, std::vector<std::string>& report) {
  std::vector<std::string> names = {o.name};
  for (auto a : o.aliases) names.push_back(a);
  std::string name;
  const std::string* value = nullptr;
  for (const auto& n : names) {
    name = "CONFIG_" + n;
    auto it = config.find(name);
    if (it != config.end()) {
      value = &it->second;
      break;
    }
  }
  std::string desc = *o.description ? std::string(" - ") + o.description : "";
  if (!value) {
    bad.push_back(name);
    report.push_back(fmt::format("{}: not set{}", name, desc));
  } else if (*value == "y") {
    report.push_back(fmt::format("{}: enabled", name));
  } else if (*value == "m") {
    report.push_back(fmt::format("{}: enabled (as module)", name));
  } else if (*value == "n") {
    bad.push_back(name);
    report.push_back(fmt::format("{}: disabled{}", name, desc));
  } else {
    bad.push_back(name);
    report.push_back(fmt::format("{}: unknown option: {}{}", name, *value, desc));
  }
  (void)required;
}

// The kernel config as upstream's validator finds it; "" with `why` when none is readable.
std::string kernel_config(host::Machine& m, const std::string& release, std::string* why) {
  const std::vector<std::string> paths = {
      "/proc/config.gz",
      "/boot/config-" + release,
      "/usr/src/linux-" + release + "/.config",
      "/usr/src/linux/.config",
      "/usr/lib/modules/" + release + "/config",
      "/usr/lib/ostree-boot/config-" + release,
      "/usr/lib/kernel/config-" + release,
      "/usr/src/linux-headers-" + release + "/.config",
      "/lib/modules/" + release + "/build/.config",
  };
  for (const auto& p : paths) {
    if (!m.exists(p)) continue;
    if (p.size() > 3 && p.compare(p.size() - 3, 3, ".gz") == 0) {
      auto r = m.run({"gzip", "-dc", p});
      if (r.status != 0) {
        *why = fmt::format("failed to parse kernel config: cannot decompress {}: {}", p, r.error);
        return "";
      }
      return r.output;
    }
    return m.read_file(p).value_or("");
  }
  std::string list;
  for (const auto& p : paths) list += (list.empty() ? "" : " ") + p;
  *why = fmt::format("failed to parse kernel config: no config path in [{}] is available", list);
  return "";
}

std::vector<std::string> cgroup_v1_controllers(host::Machine& m) {
  std::vector<std::string> out;
  auto text = m.read_file("/proc/cgroups").value_or("");
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    // subsys_name hierarchy num_cgroups enabled
    std::vector<std::string> f;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
      size_t j = i;
      while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
      if (j > i) f.push_back(line.substr(i, j - i));
      i = j;
    }
    if (f.size() >= 4 && f[3] == "1") out.push_back(f[0]);
  }
  return out;
}

std::vector<std::string> cgroup_v2_controllers(host::Machine& m) {
  std::vector<std::string> out;
  std::string text = m.read_file("/sys/fs/cgroup/cgroup.controllers").value_or("");
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j;
  }
  // The freezer and devices controllers are implicit in cgroup v2.
  out.push_back("freezer");
  out.push_back("devices");
  return out;
}

}  // namespace

namespace sysverify {

bool kernel_version_ok(const std::string& release) {
  static const std::regex v3(R"(^3\.[1-9][0-9].*$)");
  static const std::regex newer(R"(^([4-9]|[1-9][0-9]+)\.([0-9]+)\.([0-9]+).*$)");
  return bounded_match(release, v3) || bounded_match(release, newer);
}

std::vector<std::string> missing_kernel_config(const std::string& config_text, std::vector<std::string>* optional) {
  auto config = parse_config(config_text);
  std::vector<std::string> bad, report, opt_bad;
  for (const auto& o : required_options()) check_option(config, o, true, bad, report);
  for (const auto& o : optional_options()) check_option(config, o, false, opt_bad, report);
  if (optional) *optional = opt_bad;
  return bad;
}

}  // namespace sysverify

Check system_verification(bool docker) {
  return {"SystemVerification", [docker](Env& e) {
            Result r;
            std::vector<std::string> report;
            std::string release = e.machine.kernel_release();
            report.push_back("KERNEL_VERSION: " + release);
            if (!sysverify::kernel_version_ok(release)) r.errors.push_back("unsupported kernel release: " + release);
            std::string why;
            std::string config = kernel_config(e.machine, release, &why);
            if (!why.empty()) {
              r.errors.push_back(why);
            } else {
              std::vector<std::string> optional;
              auto bad = sysverify::missing_kernel_config(config, &optional);
              for (const auto& o : optional) report.push_back(o + ": not set (optional)");
              std::string list;
              for (const auto& b : bad) list += (list.empty() ? "" : " ") + b;
              if (!bad.empty()) r.errors.push_back("unexpected kernel config: " + list);
            }
            report.push_back("OS: Linux");
            bool v2 = e.machine.cgroup_v2();
            auto have = v2 ? cgroup_v2_controllers(e.machine) : cgroup_v1_controllers(e.machine);
            std::vector<std::string> required = v2 ? std::vector<std::string>{"cpu", "cpuset", "devices", "freezer", "memory", "pids"}
                                                   : std::vector<std::string>{"cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids"};
            std::set<std::string> present(have.begin(), have.end());
            std::string missing, missing_opt;
            for (const auto& c : required) {
              std::string upper = c;
              for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
              report.push_back(fmt::format("CGROUPS_{}: {}", upper, present.count(c) ? "enabled" : "missing"));
              if (!present.count(c)) missing += (missing.empty() ? "" : " ") + c;
            }
            if (!present.count("hugetlb")) missing_opt = "hugetlb";
            if (!missing.empty()) r.errors.push_back("missing required cgroups: " + missing);
            if (!missing_opt.empty()) r.warnings.push_back("missing optional cgroups: " + missing_opt);
            if (docker) {
              auto v = e.machine.run({"docker", "version", "--format", "{{.Server.Version}}"});
              if (v.status != 0) r.errors.push_back("failed to get docker info: " + v.error);
            }
            if (!r.errors.empty()) {
              std::string text = "[preflight] The system verification failed. Printing the output from the verification:\n";
              for (const auto& l : report) text += l + "\n";
              std::fwrite(text.data(), 1, text.size(), stdout);
            }
            return r;
          }};
}

}  // namespace kadm::preflight
