#include "discovery/discovery.h"

#include <gtest/gtest.h>

#include "discovery/cluster_info.h"
#include "discovery/jws.h"
#include "host/fs.h"
#include "pki/cert.h"
#include "pki/certlist.h"
#include "pki/testing.h"
#include "util/error.h"

namespace kadm::discovery {
namespace {

constexpr const char* kToken = "abcdef.0123456789abcdef";
constexpr const char* kEndpoint = "10.0.0.11:6443";

struct CA {
  pki::Certificate cert;
  std::string pem;
  std::string hash;
};

CA make_ca() {
  auto in = pki::testing::inputs(20);
  auto key = pki::generate_key(pki::KeyAlgorithm::kECDSAP256);
  auto cert = pki::create_self_signed_ca(pki::cert_spec(*pki::find_cert("ca"), in), key);
  return {cert, cert.pem(), pki::spki_hash(cert)};
}

const CA& ca() {
  static const CA c = make_ca();
  return c;
}

std::string info_kubeconfig(const std::string& ca_pem,
                            const std::string& server = "https://10.0.0.11:6443") {
  kubeconfig::Config c;
  c.clusters.push_back(kubeconfig::Cluster{"", server, ca_pem, "", false});
  return kubeconfig::serialize(c);
}

kube::json cluster_info(const std::string& kubeconfig,
                        const std::map<std::string, std::string>& sigs) {
  kube::json data = {{"kubeconfig", kubeconfig}};
  for (const auto& [id, sig] : sigs) data["jws-kubeconfig-" + id] = sig;
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"data", data}};
}

kube::Result ok(const kube::json& obj) {
  kube::Result r;
  r.status.code = 200;
  r.object = obj;
  return r;
}

kube::Result unreachable() {
  kube::Result r;
  r.status.transport = net::TransportError::Refused;
  return r;
}

// A fake API answering every GET with `answer(n)` (n = 1, 2, …) and recording the targets.
struct FakeAPI {
  std::function<kube::Result(int, const Target&)> answer;
  std::vector<Target> seen;
  Options options() {
    Options o;
    o.timeout = std::chrono::milliseconds(300);
    o.interval = std::chrono::milliseconds(5);
    o.unknown_token_grace = std::chrono::milliseconds(50);
    o.get = [this](const Target& t, Duration) {
      seen.push_back(t);
      return answer(static_cast<int>(seen.size()), t);
    };
    return o;
  }
};

api::BootstrapTokenDiscovery token_discovery(std::vector<std::string> pins) {
  api::BootstrapTokenDiscovery d;
  d.token = kToken;
  d.api_server_endpoint = kEndpoint;
  d.ca_cert_hashes = std::move(pins);
  d.unsafe_skip_ca_verification = d.ca_cert_hashes.empty();
  return d;
}

int exit_code_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.render();
    return e.exit_code();
  }
  return 0;
}

TEST(TokenDiscovery, PinnedCATrustedAfterAnInsecureAndAVerifiedFetch) {
  std::string kc = info_kubeconfig(ca().pem);
  FakeAPI api;
  api.answer = [&](int, const Target&) {
    return ok(cluster_info(kc, {{"abcdef", detached_jws(kc, "abcdef", "0123456789abcdef")}}));
  };
  auto trust = discover_token(token_discovery({ca().hash}), api.options());
  EXPECT_EQ(trust.server, "https://10.0.0.11:6443");
  EXPECT_EQ(trust.ca_pem, ca().pem);
  ASSERT_EQ(api.seen.size(), 2u);
  EXPECT_TRUE(api.seen[0].tls.insecure_skip_verify);
  EXPECT_TRUE(api.seen[0].bearer_token.empty())
      << "the token must never be sent before the server is trusted";
  EXPECT_FALSE(api.seen[1].tls.insecure_skip_verify);
  EXPECT_EQ(api.seen[1].tls.ca_pem, ca().pem);
  EXPECT_EQ(api.seen[1].server, "https://10.0.0.11:6443");
}

TEST(TokenDiscovery, AnyOfSeveralPinsMayMatch) {
  std::string kc = info_kubeconfig(ca().pem);
  FakeAPI api;
  api.answer = [&](int, const Target&) {
    return ok(cluster_info(kc, {{"abcdef", detached_jws(kc, "abcdef", "0123456789abcdef")}}));
  };
  std::string other = "sha256:" + std::string(64, 'a');
  std::string upper = ca().hash;
  for (size_t i = 7; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_NO_THROW(discover_token(token_discovery({other, upper}), api.options()));
}

TEST(TokenDiscovery, WrongPinFailsWithTheSeenHashAndItsOwnExitCode) {
  std::string kc = info_kubeconfig(ca().pem);
  FakeAPI api;
  api.answer = [&](int, const Target&) {
    return ok(cluster_info(kc, {{"abcdef", detached_jws(kc, "abcdef", "0123456789abcdef")}}));
  };
  std::string msg;
  int code = exit_code_of(
      [&] { discover_token(token_discovery({"sha256:" + std::string(64, 'b')}), api.options()); },
      &msg);
  EXPECT_EQ(code, kExitCAHashMismatch);
  EXPECT_NE(msg.find(ca().hash), std::string::npos) << msg;
  EXPECT_EQ(api.seen.size(), 1u) << "no second, trusting fetch after a mismatch";
}

TEST(TokenDiscovery, TamperedClusterInfoFailsAsBadSignatureAtOnce) {
  std::string kc = info_kubeconfig(ca().pem);
  std::string evil = info_kubeconfig(ca().pem, "https://10.6.6.6:6443");
  FakeAPI api;
  api.answer = [&](int, const Target&) {
    return ok(cluster_info(evil, {{"abcdef", detached_jws(kc, "abcdef", "0123456789abcdef")}}));
  };
  std::string msg;
  EXPECT_EQ(
      exit_code_of([&] { discover_token(token_discovery({ca().hash}), api.options()); }, &msg),
      kExitBadSignature);
  EXPECT_NE(msg.find("failed to verify JWS signature"), std::string::npos) << msg;
  EXPECT_EQ(api.seen.size(), 1u);
}

TEST(TokenDiscovery, WrongSecretFailsAsBadSignature) {
  std::string kc = info_kubeconfig(ca().pem);
  FakeAPI api;
  api.answer = [&](int, const Target&) {
    return ok(cluster_info(kc, {{"abcdef", detached_jws(kc, "abcdef", "ffffffffffffffff")}}));
  };
  std::string msg;
  EXPECT_EQ(
      exit_code_of([&] { discover_token(token_discovery({ca().hash}), api.options()); }, &msg),
      kExitBadSignature);
  EXPECT_EQ(msg.find("0123456789abcdef"), std::string::npos)
      << "the token secret must not be printed: " << msg;
}

TEST(TokenDiscovery, UnknownTokenFailsAfterTheGraceWhenTheSignerSignsOthers) {
  std::string kc = info_kubeconfig(ca().pem);
  FakeAPI api;
  api.answer = [&](int, const Target&) {
    return ok(cluster_info(kc, {{"zzzzzz", detached_jws(kc, "zzzzzz", "0123456789abcdef")}}));
  };
  auto o = api.options();
  o.timeout = std::chrono::seconds(30);
  auto start = std::chrono::steady_clock::now();
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { discover_token(token_discovery({ca().hash}), o); }, &msg),
            kExitTokenUnknown);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_NE(msg.find("token id \"abcdef\" is invalid for this cluster or it has expired"),
            std::string::npos)
      << msg;
  EXPECT_GT(api.seen.size(), 1u) << "a token created a moment ago gets a chance to be signed";
}

TEST(TokenDiscovery, NoSignatureAtAllIsRetriedUntilTheTimeout) {
  std::string kc = info_kubeconfig(ca().pem);
  FakeAPI api;
  api.answer = [&](int n, const Target&) {
    // The signer comes up on the fifth attempt.
    if (n < 5) return ok(cluster_info(kc, {}));
    return ok(cluster_info(kc, {{"abcdef", detached_jws(kc, "abcdef", "0123456789abcdef")}}));
  };
  EXPECT_NO_THROW(discover_token(token_discovery({ca().hash}), api.options()));
  EXPECT_EQ(api.seen.size(), 6u);

  FakeAPI never;
  never.answer = [&](int, const Target&) { return ok(cluster_info(kc, {})); };
  EXPECT_EQ(exit_code_of([&] { discover_token(token_discovery({ca().hash}), never.options()); }),
            kExitTokenUnknown);
}

TEST(TokenDiscovery, UnreachableEndpointFailsWithinTheTimeout) {
  FakeAPI api;
  api.answer = [](int, const Target&) { return unreachable(); };
  auto start = std::chrono::steady_clock::now();
  std::string msg;
  EXPECT_EQ(
      exit_code_of([&] { discover_token(token_discovery({ca().hash}), api.options()); }, &msg),
      kExitUnreachable);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(300));
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_NE(msg.find("cannot reach the API server at 10.0.0.11:6443"), std::string::npos) << msg;
}

TEST(TokenDiscovery, AnEndpointComingUpLateIsWaitedFor) {
  std::string kc = info_kubeconfig(ca().pem);
  FakeAPI api;
  api.answer = [&](int n, const Target&) {
    if (n < 4) return unreachable();
    return ok(cluster_info(kc, {{"abcdef", detached_jws(kc, "abcdef", "0123456789abcdef")}}));
  };
  EXPECT_NO_THROW(discover_token(token_discovery({ca().hash}), api.options()));
}

TEST(TokenDiscovery, SecondReadMustBeIdentical) {
  std::string kc = info_kubeconfig(ca().pem);
  std::string kc2 = kc + "\n";
  FakeAPI api;
  api.answer = [&](int n, const Target&) {
    const std::string& k = n == 1 ? kc : kc2;
    return ok(cluster_info(k, {{"abcdef", detached_jws(k, "abcdef", "0123456789abcdef")}}));
  };
  std::string msg;
  EXPECT_EQ(
      exit_code_of([&] { discover_token(token_discovery({ca().hash}), api.options()); }, &msg),
      kExitFailure);
  EXPECT_NE(msg.find("was different from the first"), std::string::npos) << msg;
}

TEST(TokenDiscovery, SkippingCAVerificationTrustsTheSignedInfoAfterOneRead) {
  std::string kc = info_kubeconfig(ca().pem);
  FakeAPI api;
  api.answer = [&](int, const Target&) {
    return ok(cluster_info(kc, {{"abcdef", detached_jws(kc, "abcdef", "0123456789abcdef")}}));
  };
  auto trust = discover_token(token_discovery({}), api.options());
  EXPECT_EQ(trust.ca_pem, ca().pem);
  EXPECT_EQ(api.seen.size(), 1u);
}

TEST(TokenDiscovery, MalformedTokenNamesTheCharacterWithoutEchoingTheSecret) {
  FakeAPI api;
  api.answer = [](int, const Target&) { return unreachable(); };
  auto d = token_discovery({ca().hash});
  d.token = "k3x9q2.s7v4w1z8y5t2u6r0 ";
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { discover_token(d, api.options()); }, &msg), kExitConfig);
  EXPECT_NE(msg.find("character 24 is a space"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("s7v4w1z8y5t2u6r0"), std::string::npos) << msg;
  EXPECT_TRUE(api.seen.empty());
}

TEST(TokenDiscovery, MalformedHashNamesTheCharacter) {
  FakeAPI api;
  api.answer = [](int, const Target&) { return unreachable(); };
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { discover_token(token_discovery({" " + ca().hash}), api.options()); },
                         &msg),
            kExitConfig);
  EXPECT_NE(msg.find("character 1 is a space"), std::string::npos) << msg;
  EXPECT_EQ(
      exit_code_of([&] { discover_token(token_discovery({"sha256:abc"}), api.options()); }, &msg),
      kExitConfig);
  EXPECT_NE(msg.find("expected a 32 byte SHA-256 hash, found 3 hex digits"), std::string::npos)
      << msg;
  EXPECT_EQ(
      exit_code_of(
          [&] { discover_token(token_discovery({"md5:" + std::string(32, 'a')}), api.options()); },
          &msg),
      kExitConfig);
  EXPECT_NE(msg.find("unknown hash type \"md5\""), std::string::npos) << msg;
  std::string bad = ca().hash;
  bad[20] = 'g';
  EXPECT_EQ(exit_code_of([&] { discover_token(token_discovery({bad}), api.options()); }, &msg),
            kExitConfig);
  EXPECT_NE(msg.find("character 21 is 'g', not a hex digit"), std::string::npos) << msg;
  EXPECT_TRUE(api.seen.empty());
}

TEST(ClusterInfo, SignatureVerdicts) {
  std::string kc = info_kubeconfig(ca().pem);
  api::TokenParts t{"abcdef", "0123456789abcdef"};
  EXPECT_EQ(check_signature(cluster_info(kc, {{"abcdef", detached_jws(kc, "abcdef", t.secret)}}), t)
                .state,
            Signature::kValid);
  auto missing = check_signature(cluster_info(kc, {{"other1", "x"}, {"other2", "y"}}), t);
  EXPECT_EQ(missing.state, Signature::kMissing);
  EXPECT_EQ(missing.other_signatures, 2);
  EXPECT_EQ(check_signature(cluster_info(kc, {{"abcdef", "garbage"}}), t).state,
            Signature::kInvalid);
  kube::json no_kc = {{"data", {{"jws-kubeconfig-abcdef", "x"}}}};
  EXPECT_EQ(check_signature(no_kc, t).state, Signature::kNoKubeconfig);
}

TEST(FileDiscovery, RefreshesServerAndCAFromClusterInfoAndNeedsATokenWithoutCredentials) {
  pki::testing::TempDir dir;
  std::string path = dir.path + "/discovery.conf";
  kubeconfig::Config file;
  file.clusters.push_back(kubeconfig::Cluster{"", "https://10.0.0.99:6443", ca().pem, "", false});
  host::write_file_atomic(path, kubeconfig::serialize(file), 0600);
  std::string kc = info_kubeconfig(ca().pem, "https://10.0.0.11:6443");
  FakeAPI api;
  api.answer = [&](int, const Target& t) {
    EXPECT_EQ(t.tls.ca_pem, ca().pem);
    EXPECT_FALSE(t.tls.insecure_skip_verify);
    return ok(cluster_info(kc, {}));
  };
  api::JoinConfiguration cfg;
  cfg.discovery.file = api::FileDiscovery{path};
  EXPECT_EQ(exit_code_of([&] { tls_bootstrap_config(cfg, api.options()); }), kExitConfig);
  cfg.discovery.tls_bootstrap_token = kToken;
  auto out = tls_bootstrap_config(cfg, api.options());
  ASSERT_EQ(out.clusters.size(), 1u);
  EXPECT_EQ(out.clusters[0].server, "https://10.0.0.11:6443");
  EXPECT_EQ(out.clusters[0].name, "kubernetes");
  ASSERT_EQ(out.users.size(), 1u);
  EXPECT_EQ(out.users[0].name, "tls-bootstrap-token-user");
  EXPECT_EQ(out.users[0].token, kToken);
}

TEST(FileDiscovery, ForbiddenClusterInfoKeepsTheFileAsIs) {
  pki::testing::TempDir dir;
  std::string path = dir.path + "/discovery.conf";
  kubeconfig::Config file;
  file.clusters.push_back(kubeconfig::Cluster{"", "https://10.0.0.99:6443", ca().pem, "", false});
  host::write_file_atomic(path, kubeconfig::serialize(file), 0600);
  FakeAPI api;
  api.answer = [&](int, const Target&) {
    kube::Result r;
    r.status.code = 403;
    return r;
  };
  auto out = discover_file(path, api.options());
  EXPECT_EQ(out.clusters[0].server, "https://10.0.0.99:6443");
  EXPECT_EQ(api.seen.size(), 1u);
}

TEST(FileDiscovery, NonHTTPSURLIsRefused) {
  std::string msg;
  EXPECT_EQ(exit_code_of([&] { discover_file("http://example.invalid/x.conf", Options{}); }, &msg),
            kExitConfig);
  EXPECT_NE(msg.find("the scheme must be https"), std::string::npos) << msg;
}

}  // namespace
}  // namespace kadm::discovery
