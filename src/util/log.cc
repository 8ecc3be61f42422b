#include "util/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <ctime>

namespace kadm::log {
namespace {
int g_verbosity = 0;
bool g_progress_to_stderr = false;

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
  std::string line = klog_header('I') + message + "\n";
  std::fflush(stdout);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

void warning(const std::string& message) {
  std::string line = g_verbosity > 0 ? klog_header('W') + message + "\n" : "[WARNING] " + message + "\n";
  std::fflush(stdout);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace kadm::log
