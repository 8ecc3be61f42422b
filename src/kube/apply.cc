#include "kube/apply.h"

#include <fmt/format.h>

#include <thread>

#include "util/error.h"
#include "util/log.h"

namespace kadm::kube {

void poll_immediate(const std::string& what, Duration interval, Duration timeout,
                    const std::function<std::optional<std::string>()>& attempt) {
  auto start = std::chrono::steady_clock::now();
  std::string last;
  while (true) {
    auto err = attempt();
    if (!err) return;
    last = *err;
    auto elapsed = std::chrono::steady_clock::now() - start;
    if (elapsed + interval > timeout) break;
    log::v(5, "{}: {} (will retry)", what, last);
    std::this_thread::sleep_for(interval);
  }
  throw Error(fmt::format("{}: timed out after {}: {}", what, format_duration(timeout), last), "",
              kExitTimeout);
}

namespace {
std::string label(const json& obj) {
  Ref r = ref_of(obj);
  return r.ns.empty() ? fmt::format("{} \"{}\"", r.resource, r.name)
                      : fmt::format("{} \"{}\" in namespace \"{}\"", r.resource, r.name, r.ns);
}
}  // namespace

void create_or_update(Client& c, const json& object, Duration timeout) {
  poll_immediate("unable to create or update " + label(object), kRetryInterval, timeout,
                 [&]() -> std::optional<std::string> {
                   auto r = c.create(object);
                   if (r.status.ok()) return std::nullopt;
                   if (!r.status.already_exists()) return r.status.describe();
                   auto u = c.update(object);
                   if (u.status.ok()) return std::nullopt;
                   return u.status.describe();
                 });
}

void create_or_mutate(Client& c, const json& object, const std::function<void(json&)>& mutate,
                      Duration timeout) {
  poll_immediate("unable to create or mutate " + label(object), kRetryInterval, timeout,
                 [&]() -> std::optional<std::string> {
                   auto r = c.create(object);
                   if (r.status.ok()) return std::nullopt;
                   if (!r.status.already_exists()) return r.status.describe();
                   auto g = c.get(ref_of(object));
                   if (!g.status.ok()) return g.status.describe();
                   json existing = g.object;
                   mutate(existing);
                   auto u = c.update(existing);  // carries resourceVersion: conflicts retry
                   if (u.status.ok()) return std::nullopt;
                   return u.status.describe();
                 });
}

void create_or_retain(Client& c, const json& object, Duration timeout) {
  poll_immediate("unable to create " + label(object), kRetryInterval, timeout,
                 [&]() -> std::optional<std::string> {
                   auto g = c.get(ref_of(object));
                   if (g.status.ok()) return std::nullopt;
                   if (!g.status.not_found()) return g.status.describe();
                   auto r = c.create(object);
                   if (r.status.ok() || r.status.already_exists()) return std::nullopt;
                   return r.status.describe();
                 });
}

void create_or_update_service(Client& c, const json& object, Duration timeout) {
  poll_immediate("unable to create or update " + label(object), kRetryInterval, timeout,
                 [&]() -> std::optional<std::string> {
                   auto r = c.create(object);
                   if (r.status.ok()) return std::nullopt;
                   if (!r.status.already_exists() && !r.status.invalid()) return r.status.describe();
                   auto u = c.update(object);
                   if (u.status.ok()) return std::nullopt;
                   return u.status.describe();
                 });
}

void create_new(Client& c, const json& object, const std::string& exists_message) {
  auto g = c.get(ref_of(object));
  if (g.status.ok()) throw Error(exists_message, "", kExitFailure);
  auto r = c.create(object);
  if (r.status.already_exists()) throw Error(exists_message, "", kExitFailure);
  if (!r.status.ok())
    throw Error(fmt::format("unable to create {}: {}", label(object), r.status.describe()));
}

namespace {
// The two-way strategic merge patch of the node fields kadm changes: maps merge key by key
// (null deletes), taints (no merge key) are replaced whole.
json node_patch(const json& before, const json& after) {
  json patch = json::object();
  for (const char* field : {"labels", "annotations"}) {
    json b = before["metadata"].value(field, json::object());
    json a = after["metadata"].value(field, json::object());
    json diff = json::object();
    for (auto& [k, v] : a.items())
      if (!b.contains(k) || b[k] != v) diff[k] = v;
    for (auto& [k, v] : b.items())
      if (!a.contains(k)) diff[k] = nullptr;
    if (!diff.empty()) patch["metadata"][field] = diff;
  }
  json bt = before.value("spec", json::object()).value("taints", json::array());
  json at = after.value("spec", json::object()).value("taints", json::array());
  if (bt != at) patch["spec"]["taints"] = at;
  return patch;
}
}  // namespace

void patch_node(Client& c, const std::string& node, const std::function<void(json&)>& mutate,
                Duration timeout, Duration interval) {
  Ref ref{"v1", "nodes", "", node};
  poll_immediate(fmt::format("unable to update node \"{}\"", node), interval, timeout,
                 [&]() -> std::optional<std::string> {
                   auto g = c.get(ref);
                   if (!g.status.ok()) return g.status.describe();
                   // The kubelet sets this label when it registers the Node; patching earlier
                   // races its own update (upstream waits for it too).
                   if (!c.dry_run() && !g.object["metadata"].value("labels", json::object()).contains("kubernetes.io/hostname"))
                     return std::string("the kubelet has not registered the node's hostname label yet");
                   json after = g.object;
                   mutate(after);
                   json p = node_patch(g.object, after);
                   if (p.empty()) return std::nullopt;
                   auto r = c.patch(ref, p, PatchType::Strategic);
                   if (r.status.ok()) return std::nullopt;
                   if (r.status.conflict()) log::progress("Temporarily unable to update node metadata due to conflict (will retry)");
                   return r.status.describe();
                 });
}

json meta(const std::string& name, const std::string& ns) {
  json m = {{"name", name}};
  if (!ns.empty()) m["namespace"] = ns;
  return m;
}

}  // namespace kadm::kube
