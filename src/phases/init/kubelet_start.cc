// `kadm init phase kubelet-start`: /var/lib/kubelet/kubeadm-flags.env and config.yaml, then a
// (re)start of the kubelet through the init system, with upstream's progress lines.
#include <fmt/format.h>

#include "componentconfigs/kubelet.h"
#include "componentconfigs/kubelet_flags.h"
#include "host/fs.h"
#include "host/kubelet.h"
#include "host/system.h"
#include "images/images.h"
#include "patches/patches.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "phases/init/resume.h"
#include "pki/keypool.h"
#include "util/log.h"
#include "util/yaml_emit.h"

namespace kadm::phases {
namespace {

constexpr const char* kPhase = "kubelet-start";

void run_kubelet_start(workflow::Context& ctx) {
  auto& data = ctx.data<InitData>();
  const auto& r = data.release();
  const auto& nreg = data.init().node_registration;
  mark_init_state(data);  // the kubelet it starts runs this node's control plane (phases/init/resume.h)
  if (!data.dry_run)
    for (const auto& line : host::try_stop_kubelet(kPhase)) log::progress("{}", line);

  componentconfigs::KubeletFlagsInput fin;
  fin.node_registration = &nreg;
  fin.pause_image = images::pause_image(data.cluster());
  fin.hostname = host::hostname();
  std::string flags = componentconfigs::kubelet_flags_env(fin, r);
  std::string env_path = data.kubelet_dir + "/kubeadm-flags.env";
  log::progress("[{}] Writing kubelet environment file with flags to file \"{}\"", kPhase,
                env_path);
  host::write_file_atomic(env_path, flags, 0644);

  componentconfigs::KubeletHostFacts facts;
  facts.systemd_resolved_active = host::service_active("systemd-resolved");
  if (r.kubelet_detect_docker_cgroup_driver && nreg.cri_socket == "/var/run/dockershim.sock") {
    std::string warning;
    facts.docker_cgroup_driver = host::docker_cgroup_driver(&warning);
    if (!warning.empty()) log::warning(warning);
  }
  std::vector<std::string> warnings;
  auto config =
      componentconfigs::kubelet_config(data.config.kubelet, data.cluster(), r, facts, &warnings);
  for (const auto& w : warnings) log::warning(w);
  if (r.node_local_cri_socket) {
    // NodeLocalCRISocket: the CRI endpoint lives in the node's instance configuration.
    config["containerRuntimeEndpoint"] = nreg.cri_socket;
    nlohmann::json instance{{"apiVersion", componentconfigs::kKubeletAPIVersion},
                            {"kind", "KubeletConfiguration"},
                            {"containerRuntimeEndpoint", nreg.cri_socket}};
    host::write_file_atomic(data.kubelet_dir + "/instance-config.yaml", yaml::emit(instance), 0644);
  }
  if (!data.patches_dir.empty()) {
    auto targets = patches::known_targets(r.minor);
    if (std::find(targets.begin(), targets.end(), "kubeletconfiguration") != targets.end()) {
      auto set = patches::load(data.patches_dir, targets);
      for (const auto& line : patches::reading_lines(set)) log::progress("{}", line);
      std::vector<std::string> applied;
      config = patches::apply(set, "kubeletconfiguration", std::move(config), patches::Schema::None,
                              &applied);
      for (const auto& line : applied) log::progress("{}", line);
    }
  }
  std::string config_path = data.kubelet_dir + "/config.yaml";
  log::progress("[{}] Writing kubelet configuration to file \"{}\"", kPhase, config_path);
  host::write_file_atomic(config_path, yaml::emit(config), 0644);

  if (data.dry_run) {
    log::progress("[dryrun] Would start the kubelet (files are in {})", data.kubelet_dir);
    return;
  }
  log::progress("[{}] Starting the kubelet", kPhase);
  for (const auto& line : host::try_start_kubelet(kPhase)) log::progress("{}", line);
  // Keys still to make (a run that started the kubelet ahead of the certificates) are made one at
  // a time and at low priority from here: the kubelet's start-up is what the run waits for.
  pki::key_pool().callers_only();
  data.yield_to_kubelet = std::make_unique<host::LowPriority>();
}

}  // namespace

workflow::Phase kubelet_start_phase() {
  workflow::Phase p;
  p.name = kPhase;
  p.short_help = "Write kubelet settings and (re)start the kubelet";
  p.long_help =
      "Write a file with KubeletConfiguration and an environment file with node specific "
      "kubelet settings, and then (re)start kubelet.";
  p.example =
      "  # Writes a dynamic environment file with kubelet flags from a InitConfiguration file.\n"
      "  kadm init phase kubelet-start --config config.yaml";
  p.inherit_flags = {"config",  "cri-socket",           "node-name",
                     "patches", "experimental-patches", "dry-run"};
  p.run = run_kubelet_start;
  return p;
}

}  // namespace kadm::phases
