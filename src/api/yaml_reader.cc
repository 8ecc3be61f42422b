#include "api/yaml_reader.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

#include <charconv>
#include <sstream>
#include <regex>

#include "util/yaml_emit.h"

namespace kadm::api {

std::string Warning::render() const {
  Error e(where, message);
  return e.render();
}

void Diagnostics::warn(SourceLocation where, std::string message) {
  warnings.push_back(Warning{std::move(where), std::move(message)});
}

void Diagnostics::record(const std::string& kind, const SourceLocation& where) {
  positions.emplace(kind + ":" + where.field, where);
}

std::string Document::label() const {
  std::string k = kind.empty() ? "document" : kind;
  return fmt::format("{} (document {})", k, index);
}

static int mark_line(const YAML::Mark& m) { return m.is_null() ? 0 : m.line + 1; }
static int mark_col(const YAML::Mark& m) { return m.is_null() ? 0 : m.column + 1; }

namespace {

// yaml-cpp keeps the last of two equal keys and tolerates the end of input inside a quoted
// scalar; both hide real mistakes, so they are checked here against the source text.
void check_tree(const YAML::Node& node, const std::string& text, const std::string& file) {
  if (node.IsMap()) {
    std::map<std::string, YAML::Mark> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar()) {
        const std::string& key = it->first.Scalar();
        auto [pos, inserted] = seen.emplace(key, it->first.Mark());
        if (!inserted) {
          const YAML::Mark& m = it->first.Mark();
          throw Error(SourceLocation{file, "", key, mark_line(m), mark_col(m)},
                      fmt::format("mapping key \"{}\" already defined at line {}", key,
                                  mark_line(pos->second)),
                      "merge the two blocks into one; YAML keeps only one of them", kExitConfig);
        }
      }
      check_tree(it->first, text, file);
      check_tree(it->second, text, file);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) check_tree(item, text, file);
  } else if (node.IsScalar() && node.Tag() == "!" && !node.Mark().is_null()) {
    size_t pos = static_cast<size_t>(node.Mark().pos);
    if (pos < text.size() && (text[pos] == '"' || text[pos] == '\'')) {
      char q = text[pos];
      bool closed = false;
      for (size_t i = pos + 1; i < text.size(); ++i) {
        if (q == '"' && text[i] == '\\') {
          ++i;
        } else if (text[i] == q) {
          if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
            ++i;  // '' is an escaped quote
          } else {
            closed = true;
            break;
          }
        }
      }
      if (!closed) {
        throw Error(SourceLocation{file, "", "", mark_line(node.Mark()), mark_col(node.Mark())},
                    fmt::format("invalid YAML: the {} quote opened here is never closed",
                                q == '"' ? "double" : "single"),
                    "add the closing quote at the end of the value", kExitConfig);
      }
    }
  }
}

// yaml-cpp 0.7 (Debian 12) loops forever, allocating, in LoadAll when a document starts with a
// token no node can start with, such as a comma after a tag ("!a,b"; yaml-cpp#1040, fixed upstream
// by #1319): the parser reports an empty document without consuming the token, again and again.
// A first pass that only notes where each document starts stops at the first one that starts
// where the previous one did, and reports that position as a syntax error.
class DocumentProgress : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    stuck_ = started_ && mark.pos == last_.pos;
    started_ = true;
    last_ = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  bool stuck() const { return stuck_; }
  const YAML::Mark& mark() const { return last_; }

 private:
  bool started_ = false;
  bool stuck_ = false;
  YAML::Mark last_;
};

void check_documents_advance(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentProgress progress;
  while (parser.HandleNextDocument(progress)) {
    if (progress.stuck()) throw YAML::ParserException(progress.mark(), "unexpected character where a value should start");
  }
}

}  // namespace

std::vector<Document> parse_documents(const std::string& text, const std::string& file) {
  std::vector<YAML::Node> nodes;
  try {
    check_documents_advance(text);
    nodes = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    SourceLocation where{file, "", "", mark_line(e.mark), mark_col(e.mark)};
    throw Error(where, "invalid YAML: " + e.msg,
                "fix the syntax at that position; kubeadm configuration files are YAML or JSON");
  }
  std::vector<Document> docs;
  int index = 0;
  for (auto& n : nodes) {
    ++index;
    if (!n || n.IsNull()) continue;
    check_tree(n, text, file);
    Document d;
    d.root = n;
    d.file = file;
    d.index = index;
    if (n.IsMap()) {
      if (auto v = n["apiVersion"]; v && v.IsScalar()) d.api_version = v.Scalar();
      if (auto k = n["kind"]; k && k.IsScalar()) d.kind = k.Scalar();
    }
    docs.push_back(std::move(d));
  }
  return docs;
}

SourceLocation Node::where() const {
  SourceLocation w;
  w.file = doc_ ? doc_->file : "";
  w.document = doc_ ? doc_->label() : "";
  w.field = path_;
  if (node_) {
    w.line = mark_line(node_.Mark());
    w.column = mark_col(node_.Mark());
  }
  return w;
}

void Node::fail(const std::string& message, const std::string& hint) const {
  throw Error(where(), message, hint, kExitConfig);
}

Node Node::child(const std::string& key, YAML::Node value) const {
  Node n(std::move(value), doc_, path_.empty() ? key : path_ + "." + key, diag_);
  if (doc_ && diag_) diag_->record(doc_->kind, n.where());
  return n;
}

Node Node::item(size_t index, YAML::Node value) const {
  Node n(std::move(value), doc_, path_ + "[" + std::to_string(index) + "]", diag_);
  if (doc_ && diag_) diag_->record(doc_->kind, n.where());
  return n;
}

static std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "null";
  return "\"" + n.Scalar() + "\"";
}

std::string Node::as_string() const {
  if (is_null()) return "";
  if (!node_.IsScalar()) fail("expected a string, got " + describe(node_));
  return node_.Scalar();
}

int64_t Node::as_int(int64_t min, int64_t max) const {
  if (!node_.IsScalar()) fail("expected a number, got " + describe(node_));
  const std::string& s = node_.Scalar();
  int64_t value = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), value);
  if (r.ec == std::errc::result_out_of_range && node_.Tag() != "!") {
    fail(fmt::format("{} is out of range [{}, {}]", s, min, max));
  }
  if (node_.Tag() == "!" || r.ec != std::errc() || r.ptr != s.data() + s.size()) {
    fail(fmt::format("expected a whole number, got {}", describe(node_)),
         node_.Tag() == "!" ? "write it without quotes, e.g. 6443" : "write a whole number such as 6443");
  }
  if (value < min || value > max) fail(fmt::format("{} is out of range [{}, {}]", value, min, max));
  return value;
}

bool Node::as_bool() const {
  if (!node_.IsScalar()) fail("expected true or false, got " + describe(node_));
  static const std::set<std::string> truthy = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                               "on",   "On",   "ON",   "y",   "Y"};
  static const std::set<std::string> falsy = {"false", "False", "FALSE", "no", "No", "NO",
                                              "off",   "Off",   "OFF",   "n",  "N"};
  const std::string& s = node_.Scalar();
  if (node_.Tag() != "!") {
    if (truthy.count(s)) return true;
    if (falsy.count(s)) return false;
  } else if (truthy.count(s) || falsy.count(s)) {
    fail(fmt::format("expected true or false, got the quoted string \"{}\"", s),
         fmt::format("write {} without quotes: quotes make it a string", s));
  }
  fail("expected true or false, got " + describe(node_));
}

Duration Node::as_duration() const {
  std::string s = as_string();
  auto d = parse_duration(s);
  if (!d) {
    fail(fmt::format("invalid duration \"{}\"", s),
         "use Go duration syntax: a number with a unit, e.g. 4m0s, 24h, 90s, 500ms");
  }
  return *d;
}

MapReader::MapReader(const Node& node) : node_(node) {
  if (!node.is_null() && !node.yaml().IsMap()) {
    node.fail("expected a mapping of fields, got " + describe(node.yaml()));
  }
}

bool MapReader::has(const std::string& key) const {
  return !node_.is_null() && node_.yaml()[key].IsDefined();
}

std::optional<Node> MapReader::take(const std::string& key) {
  if (node_.is_null()) return std::nullopt;
  consumed_.insert(key);
  for (auto it = node_.yaml().begin(); it != node_.yaml().end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      Node n = node_.child(key, it->second);
      // A key with no value (`key:`) has no mark of its own; use the key's.
      if (it->second.IsNull() && !it->second.Mark().is_null()) return n;
      return n;
    }
  }
  return std::nullopt;
}

void MapReader::finish(const std::string& hint_for_unknown) {
  if (node_.is_null()) return;
  for (auto it = node_.yaml().begin(); it != node_.yaml().end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : "<non-scalar key>";
    if (consumed_.count(key)) continue;
    SourceLocation where = node_.child(key, it->first).where();
    std::string message = fmt::format("unknown field \"{}\"", key);
    if (node_.diag().strict) {
      throw Error(where, message,
                  hint_for_unknown.empty() ? "remove it or check its spelling and indentation"
                                           : hint_for_unknown,
                  kExitConfig);
    }
    node_.diag().warn(where, message + (hint_for_unknown.empty() ? "" : " (" + hint_for_unknown + ")"));
  }
}

void decode(const Node& n, std::string& out) { out = n.as_string(); }
void decode(const Node& n, bool& out) { out = n.is_null() ? false : n.as_bool(); }
void decode(const Node& n, int32_t& out) {
  out = n.is_null() ? 0 : static_cast<int32_t>(n.as_int(INT32_MIN, INT32_MAX));
}
void decode(const Node& n, int64_t& out) { out = n.is_null() ? 0 : n.as_int(INT64_MIN, INT64_MAX); }
void decode(const Node& n, Duration& out) { out = n.is_null() ? Duration(0) : n.as_duration(); }
void decode(const Node& n, nlohmann::json& out) { out = to_json(n.yaml()); }

nlohmann::json to_json(const YAML::Node& node) {
  using nlohmann::json;
  if (!node || node.IsNull()) return nullptr;
  if (node.IsMap()) {
    json obj = json::object();
    for (auto it = node.begin(); it != node.end(); ++it) {
      obj[it->first.IsScalar() ? it->first.Scalar() : YAML::Dump(it->first)] = to_json(it->second);
    }
    return obj;
  }
  if (node.IsSequence()) {
    json arr = json::array();
    for (const auto& item : node) arr.push_back(to_json(item));
    return arr;
  }
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted: always a string
  if (!yaml::resolves_to_non_string(s)) return s;
  static const std::set<std::string> nulls = {"", "~", "null", "Null", "NULL"};
  static const std::set<std::string> truthy = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                               "on",   "On",   "ON",   "y",   "Y"};
  static const std::set<std::string> falsy = {"false", "False", "FALSE", "no", "No", "NO",
                                              "off",   "Off",   "OFF",   "n",  "N"};
  if (nulls.count(s)) return nullptr;
  if (truthy.count(s)) return true;
  if (falsy.count(s)) return false;
  std::string digits = s;
  digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
  int64_t i = 0;
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), i);
  if (r.ec == std::errc() && r.ptr == digits.data() + digits.size()) return i;
  try {
    size_t used = 0;
    double d = std::stod(digits, &used);
    if (used == digits.size()) return d;
  } catch (...) {
  }
  return s;  // timestamps and other exotic scalars stay strings
}

}  // namespace kadm::api
