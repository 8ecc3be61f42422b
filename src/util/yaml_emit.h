// Renders a JSON value as YAML text in the exact style of sigs.k8s.io/yaml (go-yaml v2), the
// marshaller kubeadm uses for every file and printout: keys sorted the way go-yaml sorts them,
// block sequences at their parent's indentation, strings quoted only where YAML 1.1 would read them
// as something else, long plain strings folded at 80 columns. Matching it byte for byte keeps
// `diff` between kadm's and kubeadm's files empty.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace kadm::yaml {

// One YAML document, ending in a newline.
std::string emit(const nlohmann::json& value);

// Several documents joined the way kubeadm prints them ("---" between documents).
std::string emit_documents(const std::vector<nlohmann::json>& documents);

// go-yaml v2's ordering of mapping keys (letters and digit runs compared "naturally").
bool key_less(const std::string& a, const std::string& b);

// True when `s` must be quoted because a YAML 1.1 reader would take it for a bool, number, null,
// timestamp or base-60 float.
bool resolves_to_non_string(const std::string& s);

}  // namespace kadm::yaml
