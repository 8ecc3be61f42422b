// init phase mark-control-plane: the control-plane labels and taints of the release (§3.8).
#include <fmt/format.h>

#include "kube/apply.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "util/log.h"

namespace kadm::phases {

namespace {

constexpr const char* kMasterLabel = "node-role.kubernetes.io/master";

// The end of upstream's "adding the labels" line, in the release's wording.
std::string labels_text(const versions::Release& r) {
  const auto& labels = r.control_plane_labels;
  if (r.mark_labels_quoted && labels.size() == 2)  // v1.20: master, control-plane (sic)
    return fmt::format(" \"{}=''\" and \"{}='' (deprecated)\"", labels[0], labels[1]);
  std::string list;
  for (const auto& l : labels) list += (list.empty() ? "" : " ") + l + (l == kMasterLabel ? "(deprecated)" : "");
  return ": [" + list + "]";
}

}  // namespace

// Labels and taints for a control-plane node: the release's labels; the configured taints, or
// the release's default taint when the configuration left them unset (nil). Existing taints on
// the Node that the list lacks are kept.
void mark_control_plane(kube::Client& client, const std::string& node, const versions::Release& r,
                        const std::optional<std::vector<api::Taint>>& configured, Duration timeout) {
  std::vector<api::Taint> taints;
  if (configured) {
    taints = *configured;
  } else {
    for (const auto& key : r.control_plane_taints) taints.push_back({key, "", "NoSchedule", ""});
  }
  std::string taint_list;
  for (const auto& t : taints)
    taint_list += (taint_list.empty() ? "" : " ") + t.key + (t.value.empty() ? "" : "=" + t.value) + ":" + t.effect;
  log::progress("[mark-control-plane] Marking the node {} as control-plane by adding the labels{}", node,
                labels_text(r));
  if (!taints.empty())
    log::progress("[mark-control-plane] Marking the node {} as control-plane by adding the taints [{}]", node, taint_list);
  kube::patch_node(client, node,
                   [&](kube::json& n) {
                     for (const auto& l : r.control_plane_labels) n["metadata"]["labels"][l] = "";
                     kube::json current = n.contains("spec") && n["spec"].contains("taints") ? n["spec"]["taints"] : kube::json::array();
                     for (const auto& t : taints) {
                       bool present = false;
                       for (const auto& c : current)
                         present = present || (c.value("key", "") == t.key && c.value("effect", "") == t.effect);
                       if (present) continue;
                       kube::json tj = {{"key", t.key}, {"effect", t.effect}};
                       if (!t.value.empty()) tj["value"] = t.value;
                       current.push_back(tj);
                     }
                     if (!current.empty()) n["spec"]["taints"] = current;
                   },
                   timeout);
}

workflow::Phase mark_control_plane_phase() {
  workflow::Phase p;
  p.name = "mark-control-plane";
  p.short_help = "Mark a node as a control-plane";
  p.inherit_flags = {"node-name", "config", "dry-run"};
  p.example = "  # Applies control-plane label and taint to the current node, functionally equivalent to what executed by kadm init.\n"
              "  kadm init phase mark-control-plane --config config.yaml\n\n"
              "  # Applies control-plane label and taint to a specific node\n"
              "  kadm init phase mark-control-plane --node-name myNode";
  p.run = [](workflow::Context& ctx) {
    auto& d = ctx.data<InitData>();
    mark_control_plane(d.client(), d.init().node_registration.name, d.release(), d.init().node_registration.taints,
                       d.release().minor <= 20 ? Duration(std::chrono::minutes(2)) : d.api_timeout());
  };
  return p;
}

}  // namespace kadm::phases
