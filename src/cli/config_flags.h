// Shared glue between flags and the configuration API: loading --config, printing its warnings,
// refusing flags that cannot be mixed with --config (as upstream does).
#pragma once

#include <string>
#include <vector>

#include "api/decode.h"
#include "cli/command.h"

namespace kadm::cli {

// Loads a configuration file, printing its warnings on stderr. Strict under `kadm config validate`.
api::ConfigSet load_config_or_throw(const std::string& path, bool strict = false);

// Upstream: "can not mix '--config' with arguments [...]". `allowed` lists flags that may
// accompany --config.
void check_config_mixing(const Invocation& inv, const std::vector<std::string>& allowed);

// Parses --feature-gates "A=true,B=false" into a map; throws naming the bad entry.
std::map<std::string, bool> parse_feature_gates(const std::string& text);

// --api-version value ("v1beta3" or "kubeadm.k8s.io/v1beta3").
api::Schema parse_output_schema(const std::string& text);

}  // namespace kadm::cli
