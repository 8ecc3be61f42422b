// Reading kubeadm configuration YAML with positions: every value carries the file, document and
// field path it came from, so errors and warnings can point at "file:line:col: Kind: field".
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/duration.h"
#include "util/error.h"

namespace kadm::api {

struct Warning {
  SourceLocation where;
  std::string message;
  std::string render() const;
};

// Collects warnings while decoding; under `strict` (kadm config validate) unknown fields are
// errors instead.
struct Diagnostics {
  bool strict = false;
  std::vector<Warning> warnings;
  // Where each field was found, keyed by "Kind:path" (e.g. "ClusterConfiguration:networking.podSubnet"),
  // so that validation, which runs on decoded values, can still point at line and column.
  std::map<std::string, SourceLocation> positions;
  void warn(SourceLocation where, std::string message);
  void record(const std::string& kind, const SourceLocation& where);
};

// One YAML document of a (possibly multi-document) file.
struct Document {
  YAML::Node root;
  std::string file;
  int index = 0;          // 1-based position in the file
  std::string api_version;
  std::string kind;
  std::string label() const;  // "ClusterConfiguration (document 2)"
};

// Splits a file into documents. Throws kadm::Error naming the file and line on a YAML syntax
// error. Empty documents (e.g. a trailing "---") are skipped.
std::vector<Document> parse_documents(const std::string& text, const std::string& file);

// A position-aware view of one YAML node.
class Node {
 public:
  Node(YAML::Node node, const Document* doc, std::string path, Diagnostics* diag)
      : node_(std::move(node)), doc_(doc), path_(std::move(path)), diag_(diag) {}

  const YAML::Node& yaml() const { return node_; }
  const std::string& path() const { return path_; }
  Diagnostics& diag() const { return *diag_; }
  const Document& document() const { return *doc_; }
  SourceLocation where() const;
  bool is_null() const { return !node_ || node_.IsNull(); }

  [[noreturn]] void fail(const std::string& message, const std::string& hint = {}) const;

  // Scalars, with type errors that name the field and say what is expected.
  std::string as_string() const;
  int64_t as_int(int64_t min, int64_t max) const;
  bool as_bool() const;
  Duration as_duration() const;

  Node child(const std::string& key, YAML::Node value) const;
  Node item(size_t index, YAML::Node value) const;

 private:
  YAML::Node node_;
  const Document* doc_;
  std::string path_;
  Diagnostics* diag_;
};

// Walks a mapping: each field() call consumes a key; finish() reports the keys nobody asked for.
class MapReader {
 public:
  explicit MapReader(const Node& node);
  ~MapReader() = default;

  bool has(const std::string& key) const;
  std::optional<Node> take(const std::string& key);
  // Marks a key as known but deliberately ignored (e.g. apiVersion/kind).
  void ignore(const std::string& key) { consumed_.insert(key); }
  // Reports every key that was not consumed: a warning (or an error under strict decoding).
  void finish(const std::string& hint_for_unknown = {});
  const Node& node() const { return node_; }

  template <typename T>
  bool field(const std::string& key, T& out);

 private:
  Node node_;
  std::set<std::string> consumed_;
};

// Decoding of leaf and container types; struct types provide decode(const Node&, T&) found by ADL.
void decode(const Node& n, std::string& out);
void decode(const Node& n, bool& out);
void decode(const Node& n, int32_t& out);
void decode(const Node& n, int64_t& out);
void decode(const Node& n, Duration& out);
void decode(const Node& n, nlohmann::json& out);  // any value, with YAML 1.1 scalar typing

template <typename T>
void decode(const Node& n, std::vector<T>& out) {
  out.clear();
  if (n.is_null()) return;
  if (!n.yaml().IsSequence()) n.fail("expected a list");
  for (size_t i = 0; i < n.yaml().size(); ++i) {
    T value{};
    decode(n.item(i, n.yaml()[i]), value);
    out.push_back(std::move(value));
  }
}

template <typename T>
void decode(const Node& n, std::map<std::string, T>& out) {
  out.clear();
  if (n.is_null()) return;
  if (!n.yaml().IsMap()) n.fail("expected a mapping of names to values");
  for (auto it = n.yaml().begin(); it != n.yaml().end(); ++it) {
    std::string key = it->first.as<std::string>();
    T value{};
    decode(n.child(key, it->second), value);
    out.emplace(key, std::move(value));
  }
}

template <typename T>
void decode(const Node& n, std::optional<T>& out) {
  if (n.is_null()) {
    out.reset();
    return;
  }
  T value{};
  decode(n, value);
  out = std::move(value);
}

template <typename T>
bool MapReader::field(const std::string& key, T& out) {
  auto n = take(key);
  if (!n) return false;
  decode(*n, out);
  return true;
}

// Converts a YAML node to JSON with YAML 1.1 scalar typing (what sigs.k8s.io/yaml does).
nlohmann::json to_json(const YAML::Node& node);

}  // namespace kadm::api
