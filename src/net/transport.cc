#include "net/transport.h"

#include <fmt/format.h>

#include <mutex>

#include "util/error.h"
#include "util/log.h"
#include "util/module.h"

namespace kadm::net {
namespace {

// Loads the module once. Its state is never destroyed: a preload_module thread may still be in
// here while the process exits.
CreateFn load_module() {
  static std::once_flag once;
  static CreateFn create = nullptr;
  static auto* error = new std::string;
  std::call_once(once, [] {
    create = reinterpret_cast<CreateFn>(load_module_symbol(kHttpModule, kCreateSymbol, error));
  });
  if (!create) throw Error(*error, "reinstall kadm: the module ships with the binary");
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

void preload_module() {
  try {
    load_module();
  } catch (const Error&) {
  }
}

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
