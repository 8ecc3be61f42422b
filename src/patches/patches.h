// kubeadm's --patches directory (upstream util/patches): files named
// "target[suffix][+patchtype].{json,yaml}" applied in file-name order to the objects kubeadm
// writes. Types: strategic (default), merge (RFC 7386) and json (RFC 6902).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "patches/strategic.h"

namespace kadm::patches {

enum class Type { Strategic, Merge, JSON };
std::string content_type(Type t);  // "application/strategic-merge-patch+json" …

struct Patch {
  std::string file;    // the file name within the directory
  std::string target;  // "kube-apiserver", "kubeletconfiguration" …
  Type type = Type::Strategic;
  std::vector<nlohmann::json> documents;  // one per YAML document
};

struct Set {
  std::string dir;
  std::vector<Patch> patches;        // sorted by file name
  std::vector<std::string> found;    // every usable file, sorted
  std::vector<std::string> ignored;  // unknown target or extension, sorted
};

// The targets each kubeadm release knows (kubeletconfiguration from v1.25).
std::vector<std::string> known_targets(int minor);

// Parses the listed files (name, content) of `dir`. Pure. Throws kadm::Error naming the file for
// an unknown patch type, unreadable YAML/JSON, or a json patch that is not a list of operations.
Set parse(const std::string& dir, std::vector<std::pair<std::string, std::string>> files,
          const std::vector<std::string>& targets);

// Reads `dir` (regular files only) and parses it. Throws kadm::Error when the directory cannot
// be read.
Set load(const std::string& dir, const std::vector<std::string>& targets);

// The progress lines upstream prints once per use of a patch directory.
std::vector<std::string> reading_lines(const Set& set);

// Applies every patch of `target` in order; `applied` receives upstream's
// "[patches] Applied patch of type … to target …" lines. Throws kadm::Error naming the patch file
// when a patch does not apply.
nlohmann::json apply(const Set& set, const std::string& target, nlohmann::json object,
                     Schema schema, std::vector<std::string>* applied);

}  // namespace kadm::patches
