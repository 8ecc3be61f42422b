#include "patches/strategic.h"

#include <fmt/format.h>

#include <map>

#include "util/error.h"

namespace kadm::patches {
namespace {

using nlohmann::json;

// A field's element type and patchMergeKey, from the Go types' `patchMergeKey` tags (core/v1).
struct Field {
  const char* type;       // schema of the field's value (or of its list elements)
  const char* merge_key;  // "" when the list is replaced
};
using TypeSchema = std::map<std::string, Field>;

const std::map<std::string, TypeSchema>& schemas() {
  static const std::map<std::string, TypeSchema> s = {
      {"Pod", {{"metadata", {"ObjectMeta", ""}}, {"spec", {"PodSpec", ""}}}},
      {"PodSpec",
       {{"containers", {"Container", "name"}},
        {"initContainers", {"Container", "name"}},
        {"ephemeralContainers", {"Container", "name"}},
        {"volumes", {"Volume", "name"}},
        {"imagePullSecrets", {"", "name"}},
        {"hostAliases", {"", "ip"}},
        {"topologySpreadConstraints", {"", "topologyKey"}},
        {"resourceClaims", {"", "name"}},
        {"schedulingGates", {"", "name"}}}},
      {"Container",
       {{"env", {"", "name"}},
        {"volumeMounts", {"", "mountPath"}},
        {"volumeDevices", {"", "devicePath"}},
        {"ports", {"", "containerPort"}},
        {"resizePolicy", {"", "resourceName"}}}},
  };
  return s;
}

const Field* field_of(const std::string& type, const std::string& key) {
  auto t = schemas().find(type);
  if (t == schemas().end()) return nullptr;
  auto f = t->second.find(key);
  return f == t->second.end() ? nullptr : &f->second;
}

json merge_map(const json& original, const json& patch, const std::string& type);

json merge_list(const json& original, const json& patch, const Field& f) {
  if (!original.is_array()) return patch;
  // A list element {"$patch": "replace"} replaces the whole list with the other elements.
  for (const auto& e : patch)
    if (e.is_object() && e.value("$patch", "") == "replace") {
      json out = json::array();
      for (const auto& x : patch)
        if (!(x.is_object() && x.contains("$patch"))) out.push_back(x);
      return out;
    }
  json out = original;
  for (const auto& e : patch) {
    if (!e.is_object() || !e.contains(f.merge_key)) {
      throw Error(fmt::format("list element {} has no merge key \"{}\"", e.dump(), f.merge_key),
                  fmt::format("give every element of this list its \"{}\"", f.merge_key));
    }
    const json& key = e[f.merge_key];
    auto it = std::find_if(out.begin(), out.end(), [&](const json& x) {
      return x.is_object() && x.contains(f.merge_key) && x[f.merge_key] == key;
    });
    std::string directive = e.value("$patch", "");
    if (directive == "delete") {
      if (it != out.end()) out.erase(it);
      continue;
    }
    if (it == out.end()) {
      json added = e;
      added.erase("$patch");
      out.push_back(added);
    } else {
      *it = merge_map(*it, e, f.type);
    }
  }
  return out;
}

json merge_map(const json& original, const json& patch, const std::string& type) {
  if (!patch.is_object()) return patch;
  std::string directive = patch.value("$patch", "");
  if (directive == "delete") return nullptr;
  if (directive == "replace") {
    json out = patch;
    out.erase("$patch");
    return out;
  }
  if (!directive.empty() && directive != "merge")
    throw Error(fmt::format("unknown patch directive \"$patch: {}\"", directive),
                "use delete, replace or merge");
  json out = original.is_object() ? original : json::object();
  for (const auto& [key, value] : patch.items()) {
    if (key == "$patch") continue;
    if (key.rfind("$setElementOrder/", 0) == 0 || key == "$retainKeys" ||
        key.rfind("$deleteFromPrimitiveList/", 0) == 0)
      continue;  // ordering hints and retain lists do not change kubeadm's objects
    if (value.is_null()) {
      out.erase(key);
      continue;
    }
    const Field* f = field_of(type, key);
    std::string child = f ? f->type : "";
    if (value.is_array()) {
      if (f && *f->merge_key && out.contains(key)) {
        out[key] = merge_list(out[key], value, *f);
      } else {
        json list = json::array();
        for (const auto& x : value)
          if (!(x.is_object() && x.contains("$patch"))) list.push_back(x);
        out[key] = list;
      }
    } else if (value.is_object()) {
      json merged = merge_map(out.contains(key) ? out[key] : json(), value, child);
      if (merged.is_null())
        out.erase(key);
      else
        out[key] = merged;
    } else {
      out[key] = value;
    }
  }
  return out;
}

}  // namespace

json strategic_merge(const json& original, const json& patch, Schema schema) {
  if (!patch.is_object())
    throw Error("a strategic merge patch must be a mapping (YAML) or object (JSON)",
                "write the patch as a partial object, e.g. {\"spec\": {…}}");
  json out = merge_map(original, patch, schema == Schema::Pod ? "Pod" : "");
  return out.is_null() ? json::object() : out;
}

}  // namespace kadm::patches
