#include "util/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <ctime>

namespace kadm::log {
namespace {
int g_verbosity = 0;
bool g_progress_to_stderr = false;
thread_local Held* t_held = nullptr;

void emit(std::FILE* stream, std::string line) {
  if (t_held) {
    t_held->push_back({stream, std::move(line)});
    return;
  }
  if (stream == stderr) std::fflush(stdout);  // keeps stdout's lines before this one in a terminal
  std::fwrite(line.data(), 1, line.size(), stream);
  if (stream != stderr) std::fflush(stream);
}

std::string klog_header(char severity) {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  std::tm tm{};
  localtime_r(&tv.tv_sec, &tm);
  return fmt::format("{}{:02}{:02} {:02}:{:02}:{:02}.{:06} {:7} kadm] ", severity, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tv.tv_usec, getpid());
}
}  // namespace

void set_verbosity(int level) { g_verbosity = level; }
int verbosity() { return g_verbosity; }
void set_progress_to_stderr(bool on) { g_progress_to_stderr = on; }
std::FILE* progress_stream() { return g_progress_to_stderr ? stderr : stdout; }

void write_verbose(int /*level*/, const std::string& message) {
  emit(stderr, klog_header('I') + message + "\n");
}

void write_progress(std::string line) {
  line += '\n';
  emit(progress_stream(), std::move(line));
}

void warning(const std::string& message) {
  emit(stderr,
       g_verbosity > 0 ? klog_header('W') + message + "\n" : "[WARNING] " + message + "\n");
}

HoldLines::HoldLines(Held& into) : previous_(t_held) { t_held = &into; }
HoldLines::~HoldLines() { t_held = previous_; }

void print_held(const Held& lines) {
  for (const auto& l : lines) emit(l.stream, l.text);
}

}  // namespace kadm::log
