// Strategic merge patch (Kubernetes' default patch type) on nlohmann::json: maps merge key by
// key, `null` deletes, and lists of objects merge element by element on the field's
// patchMergeKey (containers, volumes and env by name, volumeMounts by mountPath, ports by
// containerPort …). Lists without a merge key, and all lists of a type with no schema here, are
// replaced, as for a Go struct without patch tags. Supports the `$patch: delete|replace|merge`
// directive in maps and list elements.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kadm::patches {

// Schema roots the merge keys are known for.
enum class Schema { Pod, None };

// Returns `original` with `patch` applied. Throws kadm::Error (without a file name; the caller
// adds it) when the patch is not a JSON object or uses an unknown directive.
nlohmann::json strategic_merge(const nlohmann::json& original, const nlohmann::json& patch,
                               Schema schema);

}  // namespace kadm::patches
