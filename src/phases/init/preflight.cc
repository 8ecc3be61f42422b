// init phase preflight (upstream cmd/phases/init/preflight.go): the root check on its own, the
// init checks of the release, then the control-plane images (or, under --dry-run, a line saying
// they would be pulled). kadm's --fix repairs the host before the checks run.
#include "phases/init/preflight.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "host/machine.h"
#include "images/images.h"
#include "phases/init/data.h"
#include "phases/init/resume.h"
#include "preflight/node_checks.h"
#include "preflight/runtime.h"
#include "util/error.h"
#include "util/log.h"
#include "util/net.h"

namespace kadm::phases {
namespace {

constexpr const char* kFixHelp =
    "[kadm] Repair what the checks would find and what kubeadm users do by hand, printing each change "
    "before making it: swap off now and in /etc/fstab, net.ipv4.ip_forward and the bridge-netfilter "
    "sysctls (now and in /etc/sysctl.d/99-kadm-kubernetes.conf), the br_netfilter and overlay modules "
    "(now and in /etc/modules-load.d/kadm-kubernetes.conf; built-in modules need nothing), and "
    "/etc/containerd/config.toml: SystemdCgroup matching the kubelet's cgroupDriver, sandbox_image "
    "matching imageRepository, and a registry mirror for the default registry when imageRepository is "
    "a mirror. Firewall rules and the hostname are never changed; what to do about them is printed. "
    "Running it again changes nothing. With --dry-run, the changes are only shown.";

std::vector<std::string> ignore_list(const InitData& d) {
  return {d.ignore_preflight_errors.begin(), d.ignore_preflight_errors.end()};
}

void run(InitData& d) {
  host::SystemMachine machine;
  log::progress("[preflight] Running pre-flight checks");
  auto ignore = preflight::IgnoreSet::parse(ignore_list(d), {});
  preflight::Env env{machine, nullptr};
  preflight::run_or_throw(preflight::root_checks(), env, ignore);

  preflight::InitInputs in{d.init(), d.cluster(), d.release(), d.version().str()};
  auto checks = preflight::init_checks(in);
  const auto own = own_state_checks(d);
  auto is_own = [&](const std::string& name) { return std::find(own.begin(), own.end(), name) != own.end(); };
  bool resuming = false;
  if (auto mark = read_valid_init_mark(kInitMarkPath, d.cluster().certificates_dir)) {
    // kadm's own earlier run (kubeadm#2769): its manifests, ports and etcd data are not a foreign
    // cluster. Every other check still runs.
    resuming = true;
    log::progress("[preflight] This node was already initialised by kadm (node \"{}\", Kubernetes {}, started {}); resuming",
                  mark->node_name, mark->kubernetes_version, mark->started);
    std::erase_if(checks, [&](const preflight::Check& c) { return is_own(c.name); });
  }
  for (const auto& w : preflight::unknown_name_warnings(ignore, checks)) log::warning(w);

  if (init_fix_flag()) {
    auto plan = preflight::plan_fixes(machine, init_fix_inputs(d));
    int failed = preflight::apply_fixes(machine, plan, d.dry_run, log::progress_stream());
    if (d.dry_run) {
      // The checks still see the unrepaired host: what --fix would repair is reported, not fatal.
      std::vector<std::string> names = ignore_list(d);
      for (const auto& n : preflight::repaired_checks(plan)) names.push_back(n);
      if (!ignore.all()) ignore = preflight::IgnoreSet::parse(names, {});
    } else if (failed > 0) {
      log::warning(fmt::format("[preflight] --fix: {} change(s) failed; the checks below show what is still wrong", failed));
    }
  }

  auto runtime = preflight::container_runtime(machine, d.init().node_registration.cri_socket, &d.release());
  env.runtime = runtime.get();
  auto report = preflight::run_checks(checks, env, ignore);
  // The checks a control plane makes fail by itself, failing on a node that kadm did not set up
  // (no valid mark): name what is there, rather than leave the user to guess from port numbers.
  std::string hint;
  if (!resuming && std::any_of(report.failed.begin(), report.failed.end(), is_own)) {
    if (auto foreign = foreign_state(d); !foreign.empty())
      hint = fmt::format("this node already holds a control plane that kadm init did not set up ({}); if it is "
                         "disposable, run 'kadm reset' first",
                         fmt::join(foreign, ", "));
  }
  preflight::throw_if_failed(report, hint);

  if (!d.dry_run) {
    log::progress("[preflight] Pulling images required for setting up a Kubernetes cluster");
    log::progress("[preflight] This might take a minute or two, depending on the speed of your internet connection");
    log::progress("[preflight] You can also perform this action in beforehand using 'kadm config images pull'");
    preflight::run_or_throw(preflight::pull_images_checks(d.cluster(), d.init().node_registration), env, ignore);
  } else {
    log::progress("[preflight] Would pull the required images (like 'kadm config images pull')");
  }
}

}  // namespace

bool& init_fix_flag() {
  static bool fix = false;
  return fix;
}

void add_fix_flag(cli::Command& cmd, bool* target) { cmd.flag("fix", kFixHelp, target); }

preflight::FixInputs init_fix_inputs(const InitData& d) {
  preflight::FixInputs f;
  const auto& r = d.release();
  f.cgroup_driver = r.default_cgroup_driver.empty() ? "cgroupfs" : r.default_cgroup_driver;
  if (d.config.kubelet && d.config.kubelet->is_object() && d.config.kubelet->contains("cgroupDriver") &&
      (*d.config.kubelet)["cgroupDriver"].is_string())
    f.cgroup_driver = (*d.config.kubelet)["cgroupDriver"].get<std::string>();
  f.cri_socket = d.init().node_registration.cri_socket;
  f.sandbox_image = images::pause_image(d.cluster());
  f.image_repository = d.cluster().image_repository;
  f.default_registry = r.default_registry;
  bool v4 = false, v6 = false;
  auto note = [&](const std::string& s) {
    if (auto c = net::parse_cidr(s)) (c->ip.v6 ? v6 : v4) = true;
    else if (auto ip = net::parse_ip(s)) (ip->v6 ? v6 : v4) = true;
  };
  for (const auto& s : net::split_comma(d.cluster().networking.service_subnet)) note(s);
  for (const auto& s : net::split_comma(d.cluster().networking.pod_subnet)) note(s);
  note(d.init().local_api_endpoint.advertise_address);
  f.ipv4 = v4 || !v6;
  f.ipv6 = v6;
  f.node_name = d.init().node_registration.name;
  f.ports = {d.init().local_api_endpoint.bind_port, preflight::kKubeletPort, preflight::kControllerManagerPort,
             preflight::kSchedulerPort, preflight::kEtcdClientPort, preflight::kEtcdPeerPort};
  return f;
}

workflow::Phase preflight_phase() {
  workflow::Phase p;
  p.name = "preflight";
  p.short_help = "Run pre-flight checks";
  p.long_help = "Run pre-flight checks for kadm init.\n\n"
                "With --fix, kadm first repairs what it safely can on this host and prints each change; "
                "--fix --dry-run only shows the changes.";
  p.example = "  # Run pre-flight checks for kadm init using a config file.\n"
              "  kadm init phase preflight --config kadm-config.yaml\n\n"
              "  # Repair swap, sysctls, kernel modules and containerd's config, then check.\n"
              "  kadm init phase preflight --config kadm-config.yaml --fix";
  p.inherit_flags = {"config", "ignore-preflight-errors", "dry-run", "fix"};
  p.run = [](workflow::Context& ctx) { run(ctx.data<InitData>()); };
  return p;
}

}  // namespace kadm::phases
