#include "util/module.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <unistd.h>

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

}  // namespace

std::string find_module(const std::string& name) {
  std::string dir = self_dir();
  for (const auto& path : {dir + "/" + name, dir + "/../lib/kadm/" + name})
    if (access(path.c_str(), R_OK) == 0) return path;
  return "";
}

void* load_module_symbol(const std::string& name, const char* symbol, std::string* error) {
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
  void* sym = dlsym(handle, symbol);
  if (!sym) {
    *error = fmt::format("{} has no {} entry point", path, symbol);
    return nullptr;
  }
  log::v(6, "loaded module {}", path);
  return sym;
}

}  // namespace kadm
