// The documents `kubeadm config print init-defaults|join-defaults|…` prints: placeholders
// instead of host detection (token abcdef.0123456789abcdef, address 1.2.3.4) and the release's
// own defaults, exactly as that release's kubeadm prints them.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "api/decode.h"
#include "api/schema.h"
#include "versions/table.h"

namespace kadm::api {

ConfigSet print_init_defaults(const versions::Release& r, const std::string& hostname);
ConfigSet print_join_defaults(const versions::Release& r, const std::string& hostname);

// The YAML documents for a set in `schema`, in kubeadm's order.
std::vector<nlohmann::json> print_documents(const ConfigSet& set, Schema schema);

}  // namespace kadm::api
