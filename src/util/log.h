// Verbose logging (--v) in klog's format on stderr, and the stream that progress lines go to.
// Secrets must never be passed to these functions: callers log token ids, never token secrets,
// and redact keys (see util/redact.h).
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <string>

namespace kadm::log {

void set_verbosity(int level);
int verbosity();
// Where progress lines ("[certs] Generating ...") go: stdout normally, stderr when the command
// prints a machine-readable document on stdout (-o json|yaml).
void set_progress_to_stderr(bool on);
std::FILE* progress_stream();

void write_verbose(int level, const std::string& message);

// A klog-style line ("I1125 17:51:29.123456   4242 kadm] message") when --v >= level.
template <typename... Args>
void v(int level, fmt::format_string<Args...> f, Args&&... args) {
  if (verbosity() < level) return;
  write_verbose(level, fmt::format(f, std::forward<Args>(args)...));
}

// A progress line for the user ("[certs] Generating \"ca\" certificate and key").
template <typename... Args>
void progress(fmt::format_string<Args...> f, Args&&... args) {
  std::string line = fmt::format(f, std::forward<Args>(args)...);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), progress_stream());
  std::fflush(progress_stream());
}

// A warning line on stderr ("W1125 ... message" at --v>=1, "[WARNING] message" otherwise).
void warning(const std::string& message);

}  // namespace kadm::log
