// `kadm init phase control-plane`: the kube-apiserver, kube-controller-manager and kube-scheduler
// static Pod manifests, rendered by manifests/, patched by --patches, written atomically.
#include "manifests/control_plane.h"

#include <fmt/format.h>

#include "host/fs.h"
#include "patches/patches.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "phases/init/static_pod_io.h"
#include "util/log.h"
#include "util/yaml_emit.h"

namespace kadm::phases {
namespace {

const std::vector<std::string> kFlags = {"config",
                                         "cert-dir",
                                         "kubernetes-version",
                                         "image-repository",
                                         "patches",
                                         "experimental-patches",
                                         "apiserver-advertise-address",
                                         "apiserver-bind-port",
                                         "control-plane-endpoint",
                                         "service-cidr",
                                         "pod-network-cidr",
                                         "feature-gates",
                                         "dry-run"};

void write_component(workflow::Context& ctx, const std::string& component) {
  auto& data = ctx.data<InitData>();
  log::progress("[control-plane] Creating static Pod manifest for \"{}\"", component);
  auto in = static_pod_input(data);
  std::vector<std::string> warnings;
  auto pod = manifests::control_plane_pod(in, component, &warnings);
  for (const auto& w : warnings) log::warning(w);
  write_static_pod(data, component, std::move(pod));
}

workflow::Phase component_phase(const char* name, const char* component, const char* help) {
  workflow::Phase p;
  p.name = name;
  p.short_help = help;
  p.inherit_flags = kFlags;
  std::string c = component;
  p.run = [c](workflow::Context& ctx) { write_component(ctx, c); };
  return p;
}

}  // namespace

workflow::Phase control_plane_phase() {
  workflow::Phase p;
  p.name = "control-plane";
  p.short_help = "Generate all static Pod manifest files necessary to establish the control plane";
  p.with_all = true;
  p.run = [](workflow::Context& ctx) {
    auto& data = ctx.data<InitData>();
    log::progress("[control-plane] Using manifest folder \"{}\"", data.manifest_dir);
  };
  p.children.push_back(component_phase("apiserver", manifests::kAPIServer,
                                       "Generates the kube-apiserver static Pod manifest"));
  p.children.push_back(
      component_phase("controller-manager", manifests::kControllerManager,
                      "Generates the kube-controller-manager static Pod manifest"));
  p.children.push_back(component_phase("scheduler", manifests::kScheduler,
                                       "Generates the kube-scheduler static Pod manifest"));
  return p;
}

}  // namespace kadm::phases
