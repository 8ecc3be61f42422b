#include "cli/config_flags.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.h"
#include "util/log.h"

namespace kadm::cli {

api::ConfigSet load_config_or_throw(const std::string& path, bool strict) {
  api::LoadOptions opts;
  opts.strict = strict;
  auto set = api::load_config_file(path, opts);
  for (const auto& w : set.warnings) log::warning(w.render());
  return set;
}

void check_config_mixing(const Invocation& inv, const std::vector<std::string>& allowed) {
  if (!inv.changed("config")) return;
  std::vector<std::string> bad;
  for (const auto& f : inv.changed_flags()) {
    if (f == "config") continue;
    if (std::find(allowed.begin(), allowed.end(), f) != allowed.end()) continue;
    if (f.rfind("skip-", 0) == 0) continue;
    static const std::vector<std::string> always = {"v", "rootfs", "log-file", "add-dir-header",
                                                    "skip-headers", "skip-log-headers",
                                                    "one-output", "log-file-max-size",
                                                    "dry-run", "kubeconfig", "help"};
    if (std::find(always.begin(), always.end(), f) != always.end()) continue;
    bad.push_back(f);
  }
  if (bad.empty()) return;
  std::string list;
  for (const auto& b : bad) list += (list.empty() ? "" : " ") + b;
  throw Error(fmt::format("can not mix '--config' with arguments [{}]", list),
              "put these settings into the configuration file instead", kExitUsage);
}

std::map<std::string, bool> parse_feature_gates(const std::string& text) {
  std::map<std::string, bool> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string::npos) {
      throw Error(fmt::format("missing bool value for feature-gate key: {}", item),
                  "write --feature-gates Name=true", kExitUsage);
    }
    std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (value != "true" && value != "false") {
      throw Error(fmt::format("invalid value {} for feature-gate key: {}, use true|false instead",
                              value, key),
                  "", kExitUsage);
    }
    out[key] = value == "true";
  }
  return out;
}

api::Schema parse_output_schema(const std::string& text) {
  std::string name = text;
  if (name.rfind(std::string(api::kGroup) + "/", 0) == 0) name = name.substr(std::string(api::kGroup).size() + 1);
  auto s = api::parse_schema_name(name);
  if (!s || (*s != api::Schema::V1beta4 && *s != api::Schema::V1beta3 && *s != api::Schema::V1beta2)) {
    throw Error(fmt::format("cannot write kubeadm.k8s.io/{}", text),
                "use --api-version v1beta4 (default), v1beta3, or v1beta2 for Kubernetes v1.20/v1.21",
                kExitUsage);
  }
  return *s;
}

}  // namespace kadm::cli
