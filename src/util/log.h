// Verbose logging (--v) in klog's format on stderr, and the stream that progress lines go to.
// Secrets must never be passed to these functions: callers log token ids, never token secrets,
// and redact keys (see util/redact.h).
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <vector>

namespace kadm::log {

void set_verbosity(int level);
int verbosity();
// Where progress lines ("[certs] Generating ...") go: stdout normally, stderr when the command
// prints a machine-readable document on stdout (-o json|yaml).
void set_progress_to_stderr(bool on);
std::FILE* progress_stream();

void write_verbose(int level, const std::string& message);
void write_progress(std::string line);

// A klog-style line ("I1125 17:51:29.123456   4242 kadm] message") when --v >= level.
template <typename... Args>
void v(int level, fmt::format_string<Args...> f, Args&&... args) {
  if (verbosity() < level) return;
  write_verbose(level, fmt::format(f, std::forward<Args>(args)...));
}

// A progress line for the user ("[certs] Generating \"ca\" certificate and key").
template <typename... Args>
void progress(fmt::format_string<Args...> f, Args&&... args) {
  write_progress(fmt::format(f, std::forward<Args>(args)...));
}

// A warning line on stderr ("W1125 ... message" at --v>=1, "[WARNING] message" otherwise).
void warning(const std::string& message);

// Lines held back: while a HoldLines lives, the progress, warning and verbose lines its thread
// writes are kept in order instead of printed, and print_held() prints them later. The workflow
// runner uses it to run a phase before its turn yet print its lines where the phase stands.
struct HeldLine {
  std::FILE* stream;
  std::string text;  // with its newline
};
using Held = std::vector<HeldLine>;

class HoldLines {
 public:
  explicit HoldLines(Held& into);
  ~HoldLines();
  HoldLines(const HoldLines&) = delete;
  HoldLines& operator=(const HoldLines&) = delete;

 private:
  Held* previous_;
};

void print_held(const Held& lines);

}  // namespace kadm::log
