// Write semantics kubeadm uses against the API (reference §3.2), every one bounded in time:
// poll-immediate retries that report the last error on timeout, create-or-update,
// create-or-mutate, create-or-retain, and node patches.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "kube/client.h"
#include "util/duration.h"

namespace kadm::kube {

inline constexpr std::chrono::milliseconds kRetryInterval{500};

// Runs `attempt` now and then every `interval` until it returns nullopt (success) or `timeout`
// passes; then throws kadm::Error "<what>: timed out after <t>: <last error>".
void poll_immediate(const std::string& what, Duration interval, Duration timeout,
                    const std::function<std::optional<std::string>()>& attempt);

// POST; on AlreadyExists PUT the same object. Retried until `timeout`.
void create_or_update(Client& c, const json& object, Duration timeout);
// POST; on AlreadyExists GET, mutate, PUT (retried on conflict).
void create_or_mutate(Client& c, const json& object, const std::function<void(json&)>& mutate,
                      Duration timeout);
// GET; create when NotFound; leave an existing object untouched.
void create_or_retain(Client& c, const json& object, Duration timeout);
// POST; on AlreadyExists or Invalid PUT (kube-dns Service, whose template carries a version).
void create_or_update_service(Client& c, const json& object, Duration timeout);
// POST; fail with `exists_message` when the object exists (token create).
void create_new(Client& c, const json& object, const std::string& exists_message);

// GET the Node, wait until the kubelet has set kubernetes.io/hostname, apply `mutate`, and PATCH
// the difference (labels, annotations, taints) as a strategic merge patch. Retried on conflicts
// and transient errors every `interval` until `timeout`.
void patch_node(Client& c, const std::string& node, const std::function<void(json&)>& mutate,
                Duration timeout, Duration interval = kRetryInterval);

// A metadata block {name, namespace?, labels?}.
json meta(const std::string& name, const std::string& ns = {});

}  // namespace kadm::kube
