// What the container runtime knows about the containers the kubelet ran for a component, for
// diagnostics ("kube-apiserver exited with code 1, restarted 5 times, log at ...").
#pragma once

#include <string>
#include <vector>

#include "cri/runtime.h"

namespace kadm::cri {

// Labels and annotations the kubelet puts on the containers it creates (pkg/kubelet/types and
// kuberuntime/labels.go upstream).
inline constexpr const char* kLabelContainerName = "io.kubernetes.container.name";
inline constexpr const char* kLabelPodName = "io.kubernetes.pod.name";
inline constexpr const char* kLabelPodNamespace = "io.kubernetes.pod.namespace";
inline constexpr const char* kAnnotationRestartCount = "io.kubernetes.container.restartCount";

struct ComponentContainer {
  ContainerStatus status;
  int restart_count = 0;  // the kubelet's count; the container attempt when it is absent
};

// The containers named `container` in Pods of `pod_namespace` (kube-system for static Pods),
// newest first, with their status.
std::vector<ComponentContainer> component_containers(Runtime& runtime, const std::string& container,
                                                     const std::string& pod_namespace = "kube-system");

// One line: "container kube-apiserver 3f2a9c1b0d4e: exited with code 1 (Error) after 2s,
// restarted 5 times; log /var/log/pods/.../0.log".
std::string summarize(const ComponentContainer& c);

std::string state_name(ContainerState s);

}  // namespace kadm::cri
