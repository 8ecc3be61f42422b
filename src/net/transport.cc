#include "net/transport.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <unistd.h>

#include <mutex>

#include "util/error.h"
#include "util/log.h"

namespace kadm::net {
namespace {

std::string self_dir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

CreateFn load_module() {
  static std::once_flag once;
  static CreateFn create = nullptr;
  static std::string error;
  std::call_once(once, [] {
    // Next to the binary (build tree, tarball), then the installed library directory.
    std::vector<std::string> candidates = {self_dir() + "/" + kModuleName,
                                           self_dir() + "/../lib/kadm/" + kModuleName};
    for (const auto& path : candidates) {
      if (access(path.c_str(), R_OK) != 0) continue;
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        error = fmt::format("cannot load {}: {}", path, dlerror());
        return;
      }
      create = reinterpret_cast<CreateFn>(dlsym(handle, kCreateSymbol));
      if (!create) error = fmt::format("{} has no {} entry point", path, kCreateSymbol);
      log::v(6, "loaded HTTP module {}", path);
      return;
    }
    error = fmt::format("the HTTP module {} was not found in {} or {}/../lib/kadm", kModuleName,
                        self_dir(), self_dir());
  });
  if (!create) throw Error(error, "reinstall kadm: the module ships with the binary");
  return create;
}

std::unique_ptr<Transport> make(const std::string& host, int port, const TlsConfig* tls, bool use_tls,
                                const Timeouts& timeouts) {
  CreateFn create = load_module();
  std::string error;
  Transport* t = create(host.c_str(), port, tls, use_tls, &timeouts, &error);
  if (!t) throw Error(fmt::format("cannot set up a connection to {}:{}: {}", host, port, error));
  return std::unique_ptr<Transport>(t);
}

}  // namespace

std::unique_ptr<Transport> connect(const std::string& host, int port, const TlsConfig& tls,
                                   const Timeouts& timeouts) {
  return make(host, port, &tls, true, timeouts);
}

std::unique_ptr<Transport> connect_plain(const std::string& host, int port, const Timeouts& timeouts) {
  return make(host, port, nullptr, false, timeouts);
}

std::string describe(TransportError e) {
  switch (e) {
    case TransportError::None: return "no error";
    case TransportError::Refused: return "connection refused or host unreachable";
    case TransportError::Timeout: return "timed out";
    case TransportError::DNS: return "the host name does not resolve";
    case TransportError::TLSVerify: return "the server certificate is not trusted";
    case TransportError::TLS: return "TLS handshake failed";
    case TransportError::IO: return "the connection broke";
    case TransportError::Other: return "request failed";
  }
  return "request failed";
}

}  // namespace kadm::net
