#include "cri/inspect.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace kadm::cri {

std::string state_name(ContainerState s) {
  switch (s) {
    case ContainerState::Created: return "created";
    case ContainerState::Running: return "running";
    case ContainerState::Exited: return "exited";
    case ContainerState::Unknown: return "in an unknown state";
  }
  return "in an unknown state";
}

std::vector<ComponentContainer> component_containers(Runtime& runtime, const std::string& container,
                                                     const std::string& pod_namespace) {
  ContainerFilter filter;
  filter.label_selector[kLabelContainerName] = container;
  filter.label_selector[kLabelPodNamespace] = pod_namespace;
  auto listed = runtime.list_containers(filter);
  std::sort(listed.begin(), listed.end(), [](const Container& a, const Container& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.attempt > b.attempt;
  });
  std::vector<ComponentContainer> out;
  for (const auto& c : listed) {
    ComponentContainer cc;
    cc.status = runtime.container_status(c.id);
    cc.restart_count = static_cast<int>(c.attempt);
    auto it = cc.status.annotations.find(kAnnotationRestartCount);
    if (it != cc.status.annotations.end()) cc.restart_count = std::atoi(it->second.c_str());
    out.push_back(std::move(cc));
  }
  return out;
}

std::string summarize(const ComponentContainer& c) {
  const auto& s = c.status;
  std::string out = fmt::format("container {} {}: ", s.name, s.id.substr(0, 13));
  if (s.state == ContainerState::Exited) {
    out += fmt::format("exited with code {}", s.exit_code);
    if (!s.reason.empty()) out += fmt::format(" ({})", s.reason);
    if (s.started_at > 0 && s.finished_at >= s.started_at)
      out += fmt::format(" after {}s", (s.finished_at - s.started_at) / 1000000000);
  } else {
    out += state_name(s.state);
  }
  if (!s.message.empty()) out += fmt::format(": {}", s.message);
  out += fmt::format(", restarted {} time{}", c.restart_count, c.restart_count == 1 ? "" : "s");
  if (!s.log_path.empty()) out += fmt::format("; log {}", s.log_path);
  return out;
}

}  // namespace kadm::cri
