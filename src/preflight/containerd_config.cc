#include "preflight/containerd_config.h"

#include <fmt/format.h>

#include <cctype>

#include "util/strings.h"

namespace kadm::preflight {
namespace {

using Segments = std::vector<std::string>;

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// Dotted key segments with quotes removed: plugins."a.b".c → {plugins, a.b, c}.
Segments parse_key(const std::string& text) {
  Segments out;
  std::string cur;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
      else cur += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '.') {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(trim(cur));
  return out;
}

// The segments of a table header line, or nullopt when the line is not one.
std::optional<Segments> header_of(const std::string& line) {
  std::string t = trim(line);
  if (t.size() < 3 || t[0] != '[' || t[1] == '[') return std::nullopt;
  auto close = t.rfind(']');
  if (close == std::string::npos) return std::nullopt;
  return parse_key(t.substr(1, close - 1));
}

std::string header_text(const Segments& s) {
  std::string out;
  for (const auto& seg : s) {
    bool bare = !seg.empty();
    for (char c : seg) bare = bare && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
    out += (out.empty() ? "" : ".") + (bare ? seg : "\"" + seg + "\"");
  }
  return out;
}

struct Table {
  size_t header = 0;  // line index of the header
  size_t end = 0;     // one past its last line
};

std::optional<Table> find_table(const std::vector<std::string>& lines, const Segments& want) {
  for (size_t i = 0; i < lines.size(); ++i) {
    auto h = header_of(lines[i]);
    if (!h || *h != want) continue;
    size_t j = i + 1;
    while (j < lines.size() && !header_of(lines[j]) && trim(lines[j]).rfind("[[", 0) != 0) ++j;
    return Table{i, j};
  }
  return std::nullopt;
}

// Index of `key = …` within [from, to), and one past the last line of its value.
std::optional<std::pair<size_t, size_t>> find_key(const std::vector<std::string>& lines, size_t from, size_t to,
                                                  const std::string& key) {
  for (size_t i = from; i < to; ++i) {
    std::string t = trim(lines[i]);
    if (t.empty() || t[0] == '#') continue;
    auto eq = t.find('=');
    if (eq == std::string::npos) continue;
    Segments k = parse_key(t.substr(0, eq));
    if (k.size() != 1 || k[0] != key) continue;
    std::string value = trim(t.substr(eq + 1));
    size_t end = i + 1;
    if (!value.empty() && value[0] == '[') {
      // A multi-line array ends at the line closing it.
      int depth = 0;
      for (size_t l = i; l < to; ++l) {
        std::string s = l == i ? value : lines[l];
        for (char c : s) depth += c == '[' ? 1 : c == ']' ? -1 : 0;
        end = l + 1;
        if (depth <= 0) break;
      }
    }
    return std::make_pair(i, end);
  }
  return std::nullopt;
}

std::string value_of(const std::vector<std::string>& lines, size_t at) {
  std::string t = trim(lines[at]);
  std::string v = trim(t.substr(t.find('=') + 1));
  if (auto hash = v.find(" #"); hash != std::string::npos && v[0] != '"' && v[0] != '\'') v = trim(v.substr(0, hash));
  return v;
}

// Sets key = value in the table, creating the table at the end when missing. Returns the old
// value ("" when none) or nullopt when it already had this value.
std::optional<std::string> set_key(std::vector<std::string>& lines, const Segments& table, const std::string& key,
                                   const std::string& value) {
  auto t = find_table(lines, table);
  if (!t) {
    if (!lines.empty() && !trim(lines.back()).empty()) lines.push_back("");
    lines.push_back("[" + header_text(table) + "]");
    lines.push_back("  " + key + " = " + value);
    return std::string();
  }
  if (auto k = find_key(lines, t->header + 1, t->end, key)) {
    std::string old = value_of(lines, k->first);
    if (old == value) return std::nullopt;
    std::string indent = lines[k->first].substr(0, lines[k->first].find_first_not_of(" \t"));
    lines.erase(lines.begin() + static_cast<long>(k->first), lines.begin() + static_cast<long>(k->second));
    lines.insert(lines.begin() + static_cast<long>(k->first), indent + key + " = " + value);
    return old;
  }
  std::string indent = "  ";
  if (t->header + 1 < t->end) {
    const auto& l = lines[t->header + 1];
    indent = l.substr(0, l.find_first_not_of(" \t"));
  }
  lines.insert(lines.begin() + static_cast<long>(t->header + 1), indent + key + " = " + value);
  return std::string();
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

int containerd_config_version(const std::string& toml) {
  for (const auto& line : split_lines(toml)) {
    if (header_of(line)) break;
    std::string t = trim(line);
    if (t.rfind("version", 0) != 0) continue;
    auto eq = t.find('=');
    if (eq == std::string::npos || trim(t.substr(0, eq)) != "version") continue;
    try {
      return std::stoi(trim(t.substr(eq + 1)));
    } catch (...) {
      return 1;
    }
  }
  return 1;
}

std::optional<std::string> toml_get(const std::string& toml, const std::string& table, const std::string& key) {
  auto lines = split_lines(toml);
  auto t = find_table(lines, parse_key(table));
  if (!t) return std::nullopt;
  auto k = find_key(lines, t->header + 1, t->end, key);
  if (!k) return std::nullopt;
  return value_of(lines, k->first);
}

ContainerdResult edit_containerd_config(const std::string& toml, const ContainerdEdits& e) {
  ContainerdResult r;
  auto lines = split_lines(toml);
  int version = containerd_config_version(toml);
  if (version != 2 && version != 3) {
    r.config = toml;
    r.untouched.push_back(fmt::format(
        "containerd config format version {} is not edited; regenerate it with 'containerd config default > "
        "/etc/containerd/config.toml' and run --fix again",
        version));
    return r;
  }
  Segments runc = version == 2 ? Segments{"plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes", "runc", "options"}
                               : Segments{"plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes", "runc", "options"};
  if (e.systemd_cgroup) {
    std::string v = *e.systemd_cgroup ? "true" : "false";
    if (auto old = set_key(lines, runc, "SystemdCgroup", v))
      r.changes.push_back(fmt::format("set SystemdCgroup = {} (was {}) so that containerd and the kubelet use the same cgroup driver",
                                      v, old->empty() ? "unset" : *old));
  }
  if (!e.sandbox_image.empty()) {
    Segments t = version == 2 ? Segments{"plugins", "io.containerd.grpc.v1.cri"}
                              : Segments{"plugins", "io.containerd.cri.v1.images", "pinned_images"};
    std::string key = version == 2 ? "sandbox_image" : "sandbox";
    if (auto old = set_key(lines, t, key, quoted(e.sandbox_image)))
      r.changes.push_back(fmt::format("set the sandbox image to {} (was {})", e.sandbox_image, old->empty() ? "unset" : *old));
  }
  if (!e.mirror_registry.empty() && !e.mirror_endpoint.empty()) {
    Segments registry = version == 2 ? Segments{"plugins", "io.containerd.grpc.v1.cri", "registry"}
                                     : Segments{"plugins", "io.containerd.cri.v1.images", "registry"};
    std::string config_path;
    if (auto t = find_table(lines, registry)) {
      if (auto k = find_key(lines, t->header + 1, t->end, "config_path")) {
        std::string v = value_of(lines, k->first);
        if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'')) v = v.substr(1, v.size() - 2);
        config_path = v;
      }
    }
    if (config_path.empty() && version == 3) {
      config_path = "/etc/containerd/certs.d";
      set_key(lines, registry, "config_path", quoted(config_path));
    }
    if (!config_path.empty()) {
      // hosts.toml (containerd 1.5+): the mirror first, the registry itself as the fallback.
      std::string path = config_path + "/" + e.mirror_registry + "/hosts.toml";
      bool with_path = e.mirror_endpoint.find('/', e.mirror_endpoint.find("://") + 3) != std::string::npos;
      std::string text = fmt::format("server = \"https://{}\"\n\n[host.\"{}\"]\n  capabilities = [\"pull\", \"resolve\"]\n",
                                     e.mirror_registry, e.mirror_endpoint);
      if (with_path) text += "  override_path = true\n";
      r.files[path] = text;
      r.changes.push_back(fmt::format("pull {} images through the mirror {} ({})", e.mirror_registry, e.mirror_endpoint, path));
    } else {
      Segments mirror = registry;
      mirror.push_back("mirrors");
      mirror.push_back(e.mirror_registry);
      if (auto old = set_key(lines, mirror, "endpoint", "[" + quoted(e.mirror_endpoint) + "]"))
        r.changes.push_back(fmt::format("pull {} images through the mirror {}", e.mirror_registry, e.mirror_endpoint));
    }
  }
  r.config = join_lines(lines);
  if (r.changes.empty()) r.config = toml;
  return r;
}

}  // namespace kadm::preflight
