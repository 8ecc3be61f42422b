#include "patches/patches.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "api/yaml_reader.h"
#include "host/fs.h"
#include "util/error.h"

namespace kadm::patches {
namespace {

using nlohmann::json;

std::string list_str(const std::vector<std::string>& v) {
  return fmt::format("[{}]", fmt::join(v, " "));
}

std::vector<json> parse_documents(const std::string& path, const std::string& text, bool is_json) {
  std::vector<json> docs;
  if (is_json) {
    try {
      docs.push_back(json::parse(text));
    } catch (const json::exception& e) {
      throw Error(SourceLocation{path, "", "", 0, 0},
                  fmt::format("invalid JSON patch file: {}", e.what()),
                  "fix the JSON syntax, or name the file .yaml if it holds YAML", kExitConfig);
    }
    return docs;
  }
  try {
    for (const auto& node : YAML::LoadAll(text)) {
      if (!node || node.IsNull()) continue;
      docs.push_back(api::to_json(node));
    }
  } catch (const YAML::Exception& e) {
    throw Error(SourceLocation{path, "", "", e.mark.line + 1, e.mark.column + 1},
                fmt::format("invalid YAML in patch file: {}", e.msg), "fix the YAML syntax",
                kExitConfig);
  }
  return docs;
}

}  // namespace

std::string content_type(Type t) {
  switch (t) {
    case Type::Strategic:
      return "application/strategic-merge-patch+json";
    case Type::Merge:
      return "application/merge-patch+json";
    case Type::JSON:
      return "application/json-patch+json";
  }
  return "";
}

std::vector<std::string> known_targets(int minor) {
  std::vector<std::string> t = {"etcd", "kube-apiserver", "kube-controller-manager",
                                "kube-scheduler"};
  if (minor >= 25) t.push_back("kubeletconfiguration");
  return t;
}

Set parse(const std::string& dir, std::vector<std::pair<std::string, std::string>> files,
          const std::vector<std::string>& targets) {
  Set set;
  set.dir = dir;
  std::sort(files.begin(), files.end());
  for (const auto& [name, content] : files) {
    std::string path = dir + "/" + name;
    bool is_json = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
    bool is_yaml = name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0;
    if (!is_json && !is_yaml) {
      set.ignored.push_back(name);
      continue;
    }
    std::string stem = name.substr(0, name.size() - 5);
    Patch p;
    p.file = name;
    auto plus = stem.find('+');
    if (plus != std::string::npos) {
      std::string type = stem.substr(plus + 1);
      stem = stem.substr(0, plus);
      if (type == "strategic")
        p.type = Type::Strategic;
      else if (type == "merge")
        p.type = Type::Merge;
      else if (type == "json")
        p.type = Type::JSON;
      else
        throw Error(
            SourceLocation{path, "", "", 0, 0},
            fmt::format("unknown or unsupported patch type \"{}\"", type),
            "name the file target[suffix][+patchtype].{json,yaml} with patchtype strategic, "
            "merge or json",
            kExitConfig);
    }
    for (const auto& t : targets)
      if (stem.rfind(t, 0) == 0 && t.size() > p.target.size()) p.target = t;
    if (p.target.empty()) {
      set.ignored.push_back(name);
      continue;
    }
    p.documents = parse_documents(path, content, is_json);
    for (const auto& d : p.documents) {
      if (p.type == Type::JSON && !d.is_array())
        throw Error(SourceLocation{path, "", "", 0, 0},
                    "a json patch must be a list of operations (RFC 6902)",
                    "write e.g. [{\"op\": \"add\", \"path\": \"/spec/hostPID\", \"value\": true}]",
                    kExitConfig);
      if (p.type != Type::JSON && !d.is_object())
        throw Error(SourceLocation{path, "", "", 0, 0},
                    "a strategic or merge patch must be a mapping",
                    "write the patch as a partial object, or use +json for a list of operations",
                    kExitConfig);
    }
    set.found.push_back(name);
    set.patches.push_back(std::move(p));
  }
  return set;
}

Set load(const std::string& dir, const std::vector<std::string>& targets) {
  // Read-only listing; the patch directory is input, like the --config file.
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error(
        SourceLocation{dir, "", "", 0, 0},
        "the patches directory does not exist or is not a directory",
        "pass --patches a directory holding files named target[suffix][+patchtype].{json,yaml}",
        kExitConfig);
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::string name = e.path().filename().string();
    files.emplace_back(name, host::read_file(e.path().string()).value_or(""));
  }
  if (ec)
    throw Error(SourceLocation{dir, "", "", 0, 0},
                "cannot read the patches directory: " + ec.message());
  return parse(dir, std::move(files), targets);
}

std::vector<std::string> reading_lines(const Set& set) {
  std::vector<std::string> out = {
      fmt::format("[patches] Reading patches from path \"{}\"", set.dir),
      fmt::format("[patches] Found the following patch files: {}", list_str(set.found))};
  if (!set.ignored.empty())
    out.push_back(fmt::format("[patches] Ignored the following files: {}", list_str(set.ignored)));
  return out;
}

json apply(const Set& set, const std::string& target, json object, Schema schema,
           std::vector<std::string>* applied) {
  for (const auto& p : set.patches) {
    if (p.target != target) continue;
    for (const auto& doc : p.documents) {
      try {
        switch (p.type) {
          case Type::Strategic:
            object = strategic_merge(object, doc, schema);
            break;
          case Type::Merge:
            object.merge_patch(doc);
            break;
          case Type::JSON:
            object = object.patch(doc);
            break;
        }
      } catch (const json::exception& e) {
        throw Error(SourceLocation{set.dir + "/" + p.file, "", "", 0, 0},
                    fmt::format("could not apply the patch of type \"{}\" to target \"{}\": {}",
                                content_type(p.type), target, e.what()),
                    "check the paths and operations against the object kadm writes (see --dry-run)",
                    kExitConfig);
      } catch (const Error& e) {
        throw Error(SourceLocation{set.dir + "/" + p.file, "", "", 0, 0},
                    fmt::format("could not apply the patch of type \"{}\" to target \"{}\": {}",
                                content_type(p.type), target, e.what()),
                    e.hint(), kExitConfig);
      }
      if (applied)
        applied->push_back(fmt::format("[patches] Applied patch of type \"{}\" to target \"{}\"",
                                       content_type(p.type), target));
    }
  }
  return object;
}

}  // namespace kadm::patches
