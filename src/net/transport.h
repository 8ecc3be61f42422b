// HTTPS transport, loaded on demand. The implementation lives in a separate module
// (kadm-http.so, built on Debian's cpp-httplib, which drags in brotli and zlib) that only the
// commands talking to a cluster load: `kadm version`, `config` and the offline phases never pay
// for it. Same idea as git keeping libcurl in git-remote-https.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kadm::net {

struct TlsConfig {
  std::string ca_pem;           // trust only these CAs; empty + !insecure = system store
  std::string client_cert_pem;  // mutual TLS identity (optional)
  std::string client_key_pem;
  bool insecure_skip_verify = false;
};

struct Timeouts {
  std::chrono::milliseconds connect{10000};
  std::chrono::milliseconds read{30000};
};

struct Request {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string path;    // with query string
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Why a request produced no HTTP response.
enum class TransportError {
  None,
  Refused,        // nothing listens / host unreachable
  Timeout,        // connect or read timed out
  DNS,            // the name does not resolve
  TLSVerify,      // the server's certificate does not verify against the CA
  TLS,            // other TLS handshake failure
  IO,             // connection broke mid-request
  Other,
};

struct Response {
  int status = 0;  // 0 when `error` != None
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  TransportError error = TransportError::None;
  std::string error_text;
  bool ok() const { return error == TransportError::None && status >= 200 && status < 300; }
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual Response send(const Request& r) = 0;
};

// A connection to https://host:port. Loads kadm-http.so on first use; throws kadm::Error naming
// the module path when it cannot be loaded.
std::unique_ptr<Transport> connect(const std::string& host, int port, const TlsConfig& tls,
                                   const Timeouts& timeouts = {});

// Plain http:// (kubelet healthz on 127.0.0.1:10248).
std::unique_ptr<Transport> connect_plain(const std::string& host, int port, const Timeouts& timeouts = {});

// Loads kadm-http.so now, once; thread-safe (see cri::preload_module). A failed load is reported
// by connect.
void preload_module();

std::string describe(TransportError e);

// The module's entry point, as the module exports it.
using CreateFn = Transport* (*)(const char* host, int port, const TlsConfig* tls, bool use_tls,
                                const Timeouts* timeouts, std::string* error);
inline constexpr const char* kCreateSymbol = "kadm_http_create";

}  // namespace kadm::net
