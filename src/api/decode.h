// Decoding kubeadm configuration files of every supported version into the internal model.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/schema.h"
#include "api/types.h"
#include "api/yaml_reader.h"

namespace kadm::api {

// Where a decoded document came from: kept so `config migrate` can say what it converted.
struct DocumentOrigin {
  Kind kind;
  std::optional<Schema> schema;  // nullopt for component configs
  std::string label;             // "ClusterConfiguration (document 2)"
};

// Everything one configuration file holds, converted to the internal model.
struct ConfigSet {
  std::optional<InitConfiguration> init;
  std::optional<ClusterConfiguration> cluster;
  std::optional<JoinConfiguration> join;
  std::optional<ResetConfiguration> reset;
  std::optional<UpgradeConfiguration> upgrade;
  // Component configs pass through as given (kubeadm overlays its defaults when it uses them).
  std::optional<nlohmann::json> kubelet;
  std::optional<nlohmann::json> kube_proxy;
  std::vector<DocumentOrigin> origins;
  std::vector<Warning> warnings;
  std::map<std::string, SourceLocation> positions;  // see Diagnostics::positions
  std::string file;

  // Where `path` of `kind` was written, as precisely as the file allows.
  SourceLocation locate(Kind kind, const std::string& path) const;
};

struct LoadOptions {
  bool strict = false;  // unknown fields are errors (kadm config validate)
};

// Reads a whole configuration file's text. `file` names it in messages. Throws kadm::Error with
// file, document, field and line:column on any problem.
ConfigSet load_config_text(const std::string& text, const std::string& file,
                           const LoadOptions& options = {});
ConfigSet load_config_file(const std::string& path, const LoadOptions& options = {});

// Struct decoders, exposed for the ConfigMap readers (kubeadm-config) and tests.
void decode_cluster(const Node& n, ClusterConfiguration& out, Schema s);
void decode_init(const Node& n, InitConfiguration& out, Schema s);
void decode_join(const Node& n, JoinConfiguration& out, Schema s);

}  // namespace kadm::api
