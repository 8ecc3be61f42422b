// The HTTPS transport (kadm-http.so) against a real OpenSSL server on 127.0.0.1: which CAs it
// trusts. A client given the cluster's CA must trust that CA only, never the system store: token
// discovery pins the cluster CA, and a certificate from any public CA must not pass for it.
#include "net/transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "host/fs.h"
#include "pki/cert.h"
#include "pki/certlist.h"
#include "pki/testing.h"

namespace kadm::net {
namespace {

struct Issued {
  pki::Certificate ca;
  pki::Certificate cert;
  pki::Key key;
};

// A CA and a serving certificate for 127.0.0.1 signed by it.
Issued issue(const std::string& ca_name) {
  auto in = pki::testing::inputs(30);
  auto ca_key = pki::generate_key(pki::KeyAlgorithm::kECDSAP256);
  auto ca_spec = pki::cert_spec(*pki::find_cert("ca"), in);
  ca_spec.common_name = ca_name;
  auto ca = pki::create_self_signed_ca(ca_spec, ca_key);
  auto key = pki::generate_key(pki::KeyAlgorithm::kECDSAP256);
  auto spec = pki::cert_spec(*pki::find_cert("apiserver"), in, &ca);
  spec.ips = {*parse_ip("127.0.0.1")};
  return {ca, pki::create_signed(spec, key, ca, ca_key), key};
}

// Serves one HTTPS connection on an ephemeral 127.0.0.1 port: handshake, then "200 OK" to each
// request until the client hangs up.
class TlsServer {
 public:
  explicit TlsServer(const Issued& id) : ctx_(SSL_CTX_new(TLS_server_method())) {
    // A client that refuses the certificate hangs up mid-handshake; kadm's main ignores
    // SIGPIPE for the same reason.
    signal(SIGPIPE, SIG_IGN);
    SSL_CTX_use_certificate(ctx_, id.cert.get());
    SSL_CTX_use_PrivateKey(ctx_, id.key.get());
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), len);
    listen(fd_, 1);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
    SSL_CTX_free(ctx_);
  }
  int port() const { return port_; }

 private:
  void serve() {
    int conn = accept(fd_, nullptr, nullptr);
    if (conn < 0) return;
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, conn);
    if (SSL_accept(ssl) == 1) {
      char buf[4096];
      static const std::string kOk =
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok";
      while (SSL_read(ssl, buf, sizeof buf) > 0) SSL_write(ssl, kOk.data(), static_cast<int>(kOk.size()));
    }
    SSL_free(ssl);
    close(conn);
  }

  SSL_CTX* ctx_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

Response get(int port, const std::string& ca_pem) {
  TlsConfig tls;
  tls.ca_pem = ca_pem;
  Timeouts t;
  t.connect = std::chrono::milliseconds(2000);
  t.read = std::chrono::milliseconds(2000);
  return connect("127.0.0.1", port, tls, t)->send(Request{"GET", "/healthz", "", "", {}});
}

TEST(HttpsTransport, TrustsTheGivenCA) {
  auto server_id = issue("cluster-ca");
  TlsServer server(server_id);
  auto r = get(server.port(), server_id.ca.pem());
  EXPECT_EQ(r.error, TransportError::None) << r.error_text;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
}

TEST(HttpsTransport, GivenACATheSystemStoreIsNotTrusted) {
  // The server's CA is in the "system store" (OpenSSL's default file, which SSL_CERT_FILE
  // names); the client is given another CA, and must refuse the server.
  pki::testing::TempDir dir;
  auto server_id = issue("public-ca");
  auto cluster = issue("cluster-ca");
  std::string store = dir.path + "/system-store.pem";
  host::write_file_atomic(store, server_id.ca.pem(), 0644);
  setenv("SSL_CERT_FILE", store.c_str(), 1);
  TlsServer server(server_id);
  auto r = get(server.port(), cluster.ca.pem());
  unsetenv("SSL_CERT_FILE");
  EXPECT_EQ(r.error, TransportError::TLSVerify)
      << "a server certificate from the system store passed for the cluster CA (status "
      << r.status << ")";
}

}  // namespace
}  // namespace kadm::net
