#include "util/module.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <unistd.h>

#include <map>
#include <mutex>

#include "util/log.h"

namespace kadm {
namespace {

std::string self_dir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

// Modules loaded so far, by name. Never destroyed: a module's threads may outlive main().
std::mutex& handles_mutex() {
  static auto* mu = new std::mutex;
  return *mu;
}
std::map<std::string, void*>& handles() {
  static auto* loaded = new std::map<std::string, void*>;
  return *loaded;
}

// The module's handle, loading it on first use; nullptr with `error` set if it cannot be.
void* load(const std::string& name, std::string* error) {
  std::lock_guard<std::mutex> lock(handles_mutex());
  if (auto it = handles().find(name); it != handles().end()) return it->second;
  std::string path = find_module(name);
  if (path.empty()) {
    std::string dir = self_dir();
    *error = fmt::format("the module {} was not found in {} or {}/../lib/kadm", name, dir, dir);
    return nullptr;
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    *error = fmt::format("cannot load {}: {}", path, dlerror());
    return nullptr;
  }
  log::v(6, "loaded module {}", path);
  handles()[name] = handle;
  return handle;
}

}  // namespace

std::string find_module(const std::string& name) {
  std::string dir = self_dir();
  for (const auto& path : {dir + "/" + name, dir + "/../lib/kadm/" + name})
    if (access(path.c_str(), R_OK) == 0) return path;
  return "";
}

void* load_module_symbol(const std::string& name, const char* symbol, std::string* error) {
  void* handle = load(name, error);
  if (!handle) return nullptr;
  void* sym = dlsym(handle, symbol);
  if (!sym) *error = fmt::format("{} has no {} entry point", name, symbol);
  return sym;
}

void load_all_modules() {
  std::string error;
  for (const char* name : {kClusterModule, kHttpModule, kCriModule})
    if (!load(name, &error)) log::v(1, "{}", error);
}

}  // namespace kadm
