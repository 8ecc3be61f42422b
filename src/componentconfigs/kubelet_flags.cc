#include "componentconfigs/kubelet_flags.h"

#include <fmt/format.h>

#include "manifests/static_pod.h"

namespace kadm::componentconfigs {
namespace {

constexpr const char* kDockershimSocket = "/var/run/dockershim.sock";

std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          out += fmt::format("\\x{:02x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string taint_string(const api::Taint& t) {
  std::string s = t.key;
  if (!t.value.empty()) s += "=" + t.value;
  if (!t.effect.empty()) s += ":" + t.effect;
  return s;
}

}  // namespace

std::vector<api::Arg> kubelet_default_flags(const KubeletFlagsInput& in,
                                            const versions::Release& r) {
  const auto& n = *in.node_registration;
  std::vector<api::Arg> f;
  bool docker = r.kubelet_dockershim && n.cri_socket == kDockershimSocket;
  if (docker) {
    f.push_back({"network-plugin", "cni"});
  } else {
    if (r.kubelet_container_runtime_remote) f.push_back({"container-runtime", "remote"});
    if (!r.node_local_cri_socket) f.push_back({"container-runtime-endpoint", n.cri_socket});
  }
  if (r.kubelet_pod_infra_image_flag && !in.pause_image.empty() &&
      (docker || r.kubelet_pause_for_all_runtimes))
    f.push_back({"pod-infra-container-image", in.pause_image});
  if (in.register_taints && n.taints && !n.taints->empty()) {
    std::string taints;
    for (const auto& t : *n.taints) taints += (taints.empty() ? "" : ",") + taint_string(t);
    f.push_back({"register-with-taints", taints});
  }
  // --hostname-override only when the node name differs from the hostname.
  std::string node = n.name.empty() ? in.hostname : n.name;
  if (auto o = manifests::arg_value(n.kubelet_extra_args, "hostname-override")) node = *o;
  if (node != in.hostname) f.push_back({"hostname-override", node});
  return f;
}

std::string kubelet_flags_env(const KubeletFlagsInput& in, const versions::Release& r) {
  auto args = manifests::arguments_to_command(kubelet_default_flags(in, r),
                                              in.node_registration->kubelet_extra_args);
  return fmt::format("KUBELET_KUBEADM_ARGS={}\n",
                     go_quote(fmt::format("{}", fmt::join(args, " "))));
}

}  // namespace kadm::componentconfigs
