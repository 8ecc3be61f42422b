// kubeconfig serialization (clientcmd's format), loading, and the init files' identities, URLs
// and reuse rules.
#include "kubeconfig/kubeconfig.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "host/fs.h"
#include "kubeconfig/files.h"
#include "pki/testing.h"
#include "util/error.h"

namespace kadm::kubeconfig {
namespace {

using pki::testing::TempDir;

TEST(Kubeconfig, SerializesLikeClientcmdWrite) {
  Config c = with_client_cert("https://10.1.2.3:6443", "kubernetes", "kubernetes-admin", "CA",
                              "KEY", "CERT");
  EXPECT_EQ(serialize(c),
            "apiVersion: v1\n"
            "clusters:\n"
            "- cluster:\n"
            "    certificate-authority-data: Q0E=\n"
            "    server: https://10.1.2.3:6443\n"
            "  name: kubernetes\n"
            "contexts:\n"
            "- context:\n"
            "    cluster: kubernetes\n"
            "    user: kubernetes-admin\n"
            "  name: kubernetes-admin@kubernetes\n"
            "current-context: kubernetes-admin@kubernetes\n"
            "kind: Config\n"
            "preferences: {}\n"
            "users:\n"
            "- name: kubernetes-admin\n"
            "  user:\n"
            "    client-certificate-data: Q0VSVA==\n"
            "    client-key-data: S0VZ\n");
}

TEST(Kubeconfig, ParsesBackAndResolvesTheCurrentContext) {
  Config c =
      with_token("https://[fd00::1]:6443", "prod", "bob", "CA-PEM", "abcdef.0123456789abcdef");
  Config back = parse(serialize(c), "f");
  Current cur = current(back, "f");
  EXPECT_EQ(cur.context.name, "bob@prod");
  EXPECT_EQ(cur.cluster.server, "https://[fd00::1]:6443");
  EXPECT_EQ(cur.ca_pem, "CA-PEM");
  EXPECT_EQ(cur.user.token, "abcdef.0123456789abcdef");
}

TEST(Kubeconfig, ReadsReferencedFilesRelativeToTheKubeconfig) {
  TempDir t;
  host::write_file_atomic(t.path + "/ca.crt", "CA-FROM-FILE", 0644);
  host::write_file_atomic(
      t.path + "/kc",
      "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "
      "https://x:6443\n    certificate-authority: ca.crt\ncontexts:\n- name: u@c\n  context: "
      "{cluster: c, user: u}\ncurrent-context: u@c\nusers:\n- name: u\n  user: {}\n",
      0600);
  EXPECT_EQ(current(load(t.path + "/kc"), t.path + "/kc").ca_pem, "CA-FROM-FILE");
}

TEST(Kubeconfig, BrokenFilesAreErrorsNamingThem) {
  EXPECT_THROW(parse("clusters: [", "/etc/kubernetes/admin.conf"), Error);
  try {
    current(parse("apiVersion: v1\nkind: Config\ncurrent-context: nope\n", "/k/admin.conf"),
            "/k/admin.conf");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.render().find("/k/admin.conf"), std::string::npos) << e.render();
    EXPECT_NE(e.render().find("\"nope\""), std::string::npos) << e.render();
  }
  EXPECT_FALSE(base64_decode("abc"));
  EXPECT_EQ(base64_decode(base64_encode(std::string("\0\1\2xyz", 6))), std::string("\0\1\2xyz", 6));
}

api::InitConfiguration init_cfg(const std::string& advertise = "10.1.2.3") {
  api::InitConfiguration i;
  i.local_api_endpoint.advertise_address = advertise;
  i.local_api_endpoint.bind_port = 6443;
  i.node_registration.name = "node-a";
  return i;
}

TEST(InitFiles, IdentitiesAndFilesFollowTheVersion) {
  api::ClusterConfiguration c;
  const auto& r28 = *versions::find_release(28);
  const auto& r29 = *versions::find_release(29);
  EXPECT_EQ(init_file_names(r28),
            (std::vector<std::string>{"admin.conf", "kubelet.conf", "controller-manager.conf",
                                      "scheduler.conf"}));
  EXPECT_EQ(init_file_names(r29),
            (std::vector<std::string>{"admin.conf", "super-admin.conf", "kubelet.conf",
                                      "controller-manager.conf", "scheduler.conf"}));
  EXPECT_EQ(file_spec("admin.conf", init_cfg(), c, r28).organizations,
            std::vector<std::string>{"system:masters"});
  EXPECT_EQ(file_spec("admin.conf", init_cfg(), c, r29).organizations,
            std::vector<std::string>{"kubeadm:cluster-admins"});
  auto super = file_spec("super-admin.conf", init_cfg(), c, r29);
  EXPECT_EQ(super.client_name, "kubernetes-super-admin");
  EXPECT_EQ(super.organizations, std::vector<std::string>{"system:masters"});
  auto kubelet = file_spec("kubelet.conf", init_cfg(), c, r28);
  EXPECT_EQ(kubelet.client_name, "system:node:node-a");
  EXPECT_EQ(kubelet.organizations, std::vector<std::string>{"system:nodes"});
  EXPECT_EQ(file_spec("scheduler.conf", init_cfg(), c, r28).client_name, "system:kube-scheduler");
  EXPECT_TRUE(file_spec("controller-manager.conf", init_cfg(), c, r28).organizations.empty());
}

TEST(InitFiles, ServerUrls) {
  api::ClusterConfiguration c;
  c.control_plane_endpoint = "cp.example.com";
  const auto& r30 = *versions::find_release(30);
  const auto& r33 = *versions::find_release(33);
  EXPECT_EQ(file_spec("admin.conf", init_cfg(), c, r30).server, "https://cp.example.com:6443");
  EXPECT_EQ(file_spec("kubelet.conf", init_cfg(), c, r30).server, "https://cp.example.com:6443");
  // Local endpoints for the controller-manager and scheduler (since v1.19.1), and for the kubelet
  // when ControlPlaneKubeletLocalMode is on (on by default from v1.33).
  EXPECT_EQ(file_spec("scheduler.conf", init_cfg(), c, r30).server, "https://10.1.2.3:6443");
  EXPECT_EQ(file_spec("kubelet.conf", init_cfg(), c, r33).server, "https://10.1.2.3:6443");
  c.feature_gates["ControlPlaneKubeletLocalMode"] = false;
  EXPECT_EQ(file_spec("kubelet.conf", init_cfg(), c, r33).server, "https://cp.example.com:6443");
  c.control_plane_endpoint = "[fd00::1]:7443";
  EXPECT_EQ(file_spec("admin.conf", init_cfg("fd00::a"), c, r30).server, "https://[fd00::1]:7443");
  EXPECT_EQ(file_spec("controller-manager.conf", init_cfg("fd00::a"), c, r30).server,
            "https://[fd00::a]:6443");
  EXPECT_THROW(file_spec("admin.conf", init_cfg("not-an-ip"), api::ClusterConfiguration{}, r30),
               Error);
}

TEST(InitFiles, WrittenOnceThenReusedAndMismatchesAreErrors) {
  TempDir t;
  auto in = pki::testing::inputs(30);
  pki::Key ca_key = pki::generate_key(in.algorithm);
  auto ca = pki::create_self_signed_ca(pki::cert_spec(*pki::find_cert("ca"), in), ca_key);
  pki::KeyPool pool(1);
  api::ClusterConfiguration c;
  auto spec = file_spec("admin.conf", init_cfg(), c, *in.release);
  std::string path = t.path + "/admin.conf";
  EXPECT_EQ(ensure_file(t.path, spec, "kubernetes", ca, ca_key, in, pool), Outcome::kWritten);
  struct stat st {};
  stat(path.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::string before = *host::read_file(path);
  EXPECT_EQ(ensure_file(t.path, spec, "kubernetes", ca, ca_key, in, pool), Outcome::kReused);
  EXPECT_EQ(*host::read_file(path), before);

  auto cur = current(load(path), path);
  auto client = pki::parse_certificate(cur.cert_pem, path);
  EXPECT_EQ(client.common_name(), "kubernetes-admin");
  EXPECT_TRUE(client.signed_by(ca));
  EXPECT_TRUE(pki::parse_private_key(cur.key_pem, path).same_public_key(client.public_key()));

  auto moved = spec;
  moved.server = "https://10.9.9.9:6443";
  try {
    ensure_file(t.path, moved, "kubernetes", ca, ca_key, in, pool);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.render().find(path), std::string::npos) << e.render();
    EXPECT_NE(e.render().find("https://10.9.9.9:6443 is expected"), std::string::npos)
        << e.render();
  }
  pki::Key other_key = pki::generate_key(in.algorithm);
  auto other_ca = pki::create_self_signed_ca(pki::cert_spec(*pki::find_cert("ca"), in), other_key);
  try {
    ensure_file(t.path, spec, "kubernetes", other_ca, other_key, in, pool);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.render().find("different CA"), std::string::npos) << e.render();
  }
  EXPECT_EQ(*host::read_file(path), before);
}

}  // namespace
}  // namespace kadm::kubeconfig
