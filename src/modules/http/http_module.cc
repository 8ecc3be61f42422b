// kadm-http.so: net::Transport on cpp-httplib over OpenSSL. Loaded with dlopen by
// net/transport.cc; nothing else in kadm links cpp-httplib.
#include <httplib.h>
#include <netdb.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "net/transport.h"

namespace kadm::net {
namespace {

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct StoreDeleter {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};

std::unique_ptr<BIO, decltype(&BIO_free)> mem_bio(const std::string& pem) {
  return {BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free};
}

bool resolves(const std::string& host) {
  if (host.empty()) return false;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) == 0) {
    freeaddrinfo(res);
    return true;
  }
  hints.ai_flags = 0;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc == 0) freeaddrinfo(res);
  return rc == 0;
}

// A path where no certificate file can exist ("/dev/null/<hash>.0" is never a file).
constexpr const char* kNoCertificateDir = "/dev/null";

class HttplibTransport : public Transport {
 public:
  HttplibTransport(const std::string& host, int port, const TlsConfig* tls, bool use_tls,
                   const Timeouts& timeouts)
      : host_(host) {
    if (use_tls) {
      std::unique_ptr<X509, X509Deleter> cert;
      std::unique_ptr<EVP_PKEY, KeyDeleter> key;
      if (tls && !tls->client_cert_pem.empty()) {
        auto cb = mem_bio(tls->client_cert_pem);
        cert.reset(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
        auto kb = mem_bio(tls->client_key_pem);
        key.reset(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
        if (!cert || !key) throw std::runtime_error("the client certificate or key is not valid PEM");
      }
      auto ssl = cert ? std::make_unique<httplib::SSLClient>(host, port, cert.get(), key.get())
                      : std::make_unique<httplib::SSLClient>(host, port);
      if (tls && tls->insecure_skip_verify) {
        ssl->enable_server_certificate_verification(false);
      } else {
        ssl->enable_server_certificate_verification(true);
        if (tls && !tls->ca_pem.empty()) {
          X509_STORE* store = X509_STORE_new();
          auto bio = mem_bio(tls->ca_pem);
          int added = 0;
          while (X509* ca = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
            X509_STORE_add_cert(store, ca);
            X509_free(ca);
            ++added;
          }
          ERR_clear_error();
          if (added == 0) {
            X509_STORE_free(store);
            throw std::runtime_error("the CA data holds no PEM certificate");
          }
          ssl->set_ca_cert_store(store);  // the client takes ownership
          // cpp-httplib adds OpenSSL's default verify paths (the system store) to the CA store
          // unless it is given a CA file or directory: a directory that cannot hold a
          // certificate keeps the trust to the given CAs (and saves parsing the ~140 system CAs
          // on every connection).
          ssl->set_ca_cert_path("", kNoCertificateDir);
        }
      }
      client_ = std::move(ssl);
    } else {
      client_ = std::make_unique<httplib::ClientImpl>(host, port);
    }
    auto secs = [](std::chrono::milliseconds ms) { return static_cast<time_t>(ms.count() / 1000); };
    auto usecs = [](std::chrono::milliseconds ms) { return static_cast<time_t>((ms.count() % 1000) * 1000); };
    client_->set_connection_timeout(secs(timeouts.connect), usecs(timeouts.connect));
    client_->set_read_timeout(secs(timeouts.read), usecs(timeouts.read));
    client_->set_write_timeout(secs(timeouts.read), usecs(timeouts.read));
    client_->set_keep_alive(true);
    // cpp-httplib writes a request's headers and body separately: with Nagle's algorithm the body
    // waited for the server's delayed ACK, 40 ms on every POST, PUT and PATCH.
    client_->set_tcp_nodelay(true);
  }

  Response send(const Request& r) override {
    httplib::Headers headers;
    for (const auto& [k, v] : r.headers) headers.emplace(k, v);
    httplib::Result res(nullptr, httplib::Error::Unknown);
    const std::string& ct = r.content_type;
    if (r.method == "GET") res = client_->Get(r.path, headers);
    else if (r.method == "POST") res = client_->Post(r.path, headers, r.body, ct);
    else if (r.method == "PUT") res = client_->Put(r.path, headers, r.body, ct);
    else if (r.method == "PATCH") res = client_->Patch(r.path, headers, r.body, ct);
    else if (r.method == "DELETE") res = client_->Delete(r.path, headers, r.body, ct);
    else {
      Response out;
      out.error = TransportError::Other;
      out.error_text = "unsupported method " + r.method;
      return out;
    }
    Response out;
    if (!res) {
      out.error = classify(res.error());
      out.error_text = httplib::to_string(res.error());
      return out;
    }
    out.status = res->status;
    out.body = std::move(res->body);
    for (const auto& [k, v] : res->headers) {
      std::string key = k;
      std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      out.headers[key] = v;
    }
    return out;
  }

 private:
  TransportError classify(httplib::Error e) const {
    switch (e) {
      case httplib::Error::Connection:
        return resolves(host_) ? TransportError::Refused : TransportError::DNS;
      case httplib::Error::ConnectionTimeout: return TransportError::Timeout;
      case httplib::Error::SSLServerVerification: return TransportError::TLSVerify;
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLLoadingCerts: return TransportError::TLS;
      case httplib::Error::Read:
      case httplib::Error::Write: return TransportError::IO;
      default: return TransportError::Other;
    }
  }

  std::string host_;
  std::unique_ptr<httplib::ClientImpl> client_;
};

}  // namespace
}  // namespace kadm::net

extern "C" __attribute__((visibility("default"))) kadm::net::Transport* kadm_http_create(
    const char* host, int port, const kadm::net::TlsConfig* tls, bool use_tls,
    const kadm::net::Timeouts* timeouts, std::string* error) {
  try {
    return new kadm::net::HttplibTransport(host, port, tls, use_tls, *timeouts);
  } catch (const std::exception& e) {
    *error = e.what();
    return nullptr;
  }
}
