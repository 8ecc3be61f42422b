// Errors are values with context: what failed, where (file, document, field, line:column), and
// what the user can do about it. Thrown as kadm::Error and rendered once, at the top of main.
#pragma once

#include <stdexcept>
#include <string>

namespace kadm {

// Exit codes. Distinct codes let scripts tell failure classes apart without parsing messages.
enum ExitCode : int {
  kExitOK = 0,
  kExitFailure = 1,         // generic failure while doing the work
  kExitUsage = 2,           // bad command line: unknown command, flag or phase
  kExitConfig = 3,          // bad configuration file or flag value
  kExitPreflight = 4,       // preflight checks failed
  kExitUnreachable = 10,    // join discovery: endpoint unreachable
  kExitTokenUnknown = 11,   // join discovery: token id unknown or expired
  kExitBadSignature = 12,   // join discovery: JWS signature does not verify
  kExitCAHashMismatch = 13, // join discovery: CA public key not pinned
  kExitTimeout = 14,        // a bounded wait ran out
};

// Where in the user's input an error was found. Every part is optional.
struct SourceLocation {
  std::string file;      // path of the file read
  std::string document;  // e.g. "ClusterConfiguration (document 2)"
  std::string field;     // field path, e.g. "networking.podSubnet"
  int line = 0;          // 1-based; 0 = unknown
  int column = 0;        // 1-based; 0 = unknown
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, std::string hint = {}, int exit_code = kExitFailure)
      : std::runtime_error(message), hint_(std::move(hint)), exit_code_(exit_code) {}
  Error(SourceLocation where, const std::string& message, std::string hint = {},
        int exit_code = kExitConfig)
      : std::runtime_error(message),
        where_(std::move(where)),
        hint_(std::move(hint)),
        exit_code_(exit_code) {}

  const SourceLocation& where() const { return where_; }
  const std::string& hint() const { return hint_; }
  int exit_code() const { return exit_code_; }

  // One line: "file:line:col: document: field: message (hint)".
  std::string render() const;

 private:
  SourceLocation where_;
  std::string hint_;
  int exit_code_;
};

}  // namespace kadm
