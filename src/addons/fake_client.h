// For unit tests: an in-memory API server that records every call ("CREATE configmaps coredns")
// and keeps the objects, with the answers kubeadm's write helpers rely on (404 on a missing
// object, 409 AlreadyExists on a second create, a uid on create).
#pragma once

#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "kube/client.h"

namespace kadm::testing {

class FakeClient : public kube::Client {
 public:
  std::vector<std::string> calls;
  std::map<std::string, kube::json> objects;  // by Ref::path()
  int next_uid = 1;

  kube::Result get(const kube::Ref& ref) override {
    record("GET", ref);
    auto it = objects.find(ref.path());
    if (it == objects.end()) return status(404, "NotFound");
    return {status(200, "").status, it->second};
  }
  kube::Result list(const kube::Ref& ref, const std::string& labels, const std::string&) override {
    record("LIST", ref);
    kube::json items = kube::json::array();
    std::string prefix = ref.collection_path() + "/";
    for (const auto& [path, obj] : objects) {
      if (path.rfind(prefix, 0) != 0) continue;
      if (!labels.empty()) {
        auto eq = labels.find('=');
        auto l = obj["metadata"].value("labels", kube::json::object());
        if (l.value(labels.substr(0, eq), "") != labels.substr(eq + 1)) continue;
      }
      items.push_back(obj);
    }
    return {status(200, "").status, {{"items", items}}};
  }
  kube::Result create(const kube::json& obj) override {
    kube::Ref ref = kube::ref_of(obj);
    record("CREATE", ref);
    if (objects.count(ref.path())) return status(409, "AlreadyExists");
    kube::json stored = obj;
    stored["metadata"]["uid"] = fmt::format("uid-{}", next_uid++);
    objects[ref.path()] = stored;
    return {status(201, "").status, stored};
  }
  kube::Result update(const kube::json& obj) override {
    kube::Ref ref = kube::ref_of(obj);
    record("UPDATE", ref);
    if (!objects.count(ref.path())) return status(404, "NotFound");
    kube::json stored = obj;
    stored["metadata"]["uid"] = objects[ref.path()]["metadata"]["uid"];
    objects[ref.path()] = stored;
    return {status(200, "").status, stored};
  }
  kube::Result patch(const kube::Ref& ref, const kube::json&, kube::PatchType) override {
    record("PATCH", ref);
    return status(200, "");
  }
  kube::Result remove(const kube::Ref& ref) override {
    record("DELETE", ref);
    objects.erase(ref.path());
    return status(200, "");
  }
  kube::Result get_path(const std::string&) override { return status(200, ""); }
  std::string server() const override { return "https://fake"; }

  // Puts an object in place without recording a call.
  void seed(const kube::json& obj) { objects[kube::ref_of(obj).path()] = obj; }
  const kube::json* find(const kube::Ref& ref) const {
    auto it = objects.find(ref.path());
    return it == objects.end() ? nullptr : &it->second;
  }

 private:
  void record(const char* verb, const kube::Ref& ref) {
    calls.push_back(ref.name.empty() ? fmt::format("{} {}", verb, ref.resource)
                                     : fmt::format("{} {} {}", verb, ref.resource, ref.name));
  }
  static kube::Result status(int code, const std::string& reason) {
    kube::Result r;
    r.status.code = code;
    r.status.reason = reason;
    return r;
  }
};

}  // namespace kadm::testing
