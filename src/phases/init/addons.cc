// `kadm init phase addon` (coredns, kube-proxy, all): upstream's sub-phases, flags and lines.
// The objects come from addons/coredns.h and addons/kube_proxy.h, the writes from addons/ensure.h.
#include <fmt/format.h>

#include <cstdio>

#include "addons/ensure.h"
#include "componentconfigs/kube_proxy.h"
#include "kubeconfig/files.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "util/log.h"

extern char** environ;

namespace kadm::phases {
namespace {

// --print-manifest (both sub-phases): print the objects instead of installing them.
bool print_manifest = false;

cli::Flag print_manifest_flag() {
  return cli::Flag{"print-manifest", 0,
                   "Print the addon manifests to STDOUT instead of installing them",
                   &print_manifest};
}

void write_stdout(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

addons::KubeProxyInput kube_proxy_input(InitData& d) {
  addons::KubeProxyInput in;
  std::vector<std::string> warnings;
  in.config = componentconfigs::kube_proxy_config(d.config.kube_proxy, d.cluster(),
                                                  d.init().local_api_endpoint.advertise_address,
                                                  d.release(), &warnings);
  for (const auto& w : warnings) log::warning(w);
  in.user_supplied = d.config.kube_proxy.has_value();
  in.server = kubeconfig::control_plane_url(d.init(), d.cluster());
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  in.proxy_env = addons::proxy_env_vars(env);
  return in;
}

void run_coredns(workflow::Context& ctx) {
  auto& d = ctx.data<InitData>();
  if (d.cluster().dns.disabled) {
    log::v(1, "[addons] Skipping the CoreDNS addon: dns.disabled is set");
    return;
  }
  if (print_manifest) {
    write_stdout(addons::coredns_manifests(d.cluster(), d.release()));
    return;
  }
  addons::ensure_coredns(d.client(), d.cluster(), d.release(), d.api_timeout());
}

void run_kube_proxy(workflow::Context& ctx) {
  auto& d = ctx.data<InitData>();
  if (d.cluster().proxy.disabled) {
    log::v(1, "[addons] Skipping the kube-proxy addon: proxy.disabled is set");
    return;
  }
  auto in = kube_proxy_input(d);
  if (print_manifest) {
    write_stdout(addons::kube_proxy_manifests(d.cluster(), d.release(), in));
    return;
  }
  addons::ensure_kube_proxy(d.client(), d.cluster(), d.release(), in, d.api_timeout());
}

// Upstream getAddonPhaseFlags.
std::vector<std::string> addon_flags(const std::string& name) {
  std::vector<std::string> f = {"config", "kubeconfig", "kubernetes-version", "image-repository",
                                "dry-run"};
  if (name == "kube-proxy")
    f.insert(f.end(), {"apiserver-advertise-address", "control-plane-endpoint",
                       "apiserver-bind-port", "pod-network-cidr"});
  if (name == "coredns") f.insert(f.end(), {"feature-gates", "service-dns-domain", "service-cidr"});
  return f;
}

}  // namespace

workflow::Phase addon_phase() {
  workflow::Phase p;
  p.name = "addon";
  p.short_help = "Install required addons for passing conformance tests";
  p.with_all = true;

  workflow::Phase coredns;
  coredns.name = "coredns";
  coredns.short_help = "Install the CoreDNS addon to a Kubernetes cluster";
  coredns.long_help =
      "Install the CoreDNS addon components via the API server. Please note that although the DNS "
      "server is deployed, it will not be scheduled until CNI is installed.";
  coredns.inherit_flags = addon_flags("coredns");
  coredns.local_flags = {print_manifest_flag()};
  coredns.run = run_coredns;

  workflow::Phase proxy;
  proxy.name = "kube-proxy";
  proxy.short_help = "Install the kube-proxy addon to a Kubernetes cluster";
  proxy.long_help = "Install the kube-proxy addon components via the API server.";
  proxy.inherit_flags = addon_flags("kube-proxy");
  proxy.local_flags = {print_manifest_flag()};
  proxy.run = run_kube_proxy;

  p.children = {coredns, proxy};
  return p;
}

}  // namespace kadm::phases
