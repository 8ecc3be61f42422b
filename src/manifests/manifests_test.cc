#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "api/decode.h"
#include "api/defaults.h"
#include "api/validate.h"
#include "manifests/control_plane.h"
#include "manifests/etcd.h"
#include "util/yaml_emit.h"

namespace kadm::manifests {
namespace {

using nlohmann::json;

api::ClusterConfiguration cluster(const std::string& version) {
  api::ClusterConfiguration c;
  c.kubernetes_version = version;
  api::set_defaults(c);
  return c;
}

Input input(const api::ClusterConfiguration& c) {
  Input in;
  in.cluster = &c;
  in.endpoint = {"10.1.2.3", 6443};
  in.node_name = "node1";
  in.release = &versions::release_for(*versions::parse_version(c.kubernetes_version));
  in.host.existing_paths = {"/etc/ca-certificates", "/usr/local/share/ca-certificates",
                            "/usr/share/ca-certificates"};
  return in;
}

bool has(const std::vector<std::string>& cmd, const std::string& flag) {
  return std::find(cmd.begin(), cmd.end(), flag) != cmd.end();
}

std::string fixture(const std::string& name) {
  std::ifstream f(std::string(KADM_FIXTURES) + "/manifests/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(Manifests, V1_20DefaultsEqualUpstreamGoldenFiles) {
  // tests/fixtures/manifests/v1.20.2-default/ was written by upstream kubeadm v1.20.2.
  auto c = cluster("v1.20.2");
  auto in = input(c);
  for (const auto& comp : control_plane_components())
    EXPECT_EQ(yaml::emit(control_plane_pod(in, comp)), fixture("v1.20.2-default/" + comp + ".yaml"))
        << comp;
  EXPECT_EQ(yaml::emit(etcd_pod(in)), fixture("v1.20.2-default/etcd.yaml"));
}

TEST(Manifests, InsecurePortFlagsDisappearInTheirReleases) {
  auto c21 = cluster("v1.21.14"), c22 = cluster("v1.22.17"), c23 = cluster("v1.23.17");
  EXPECT_TRUE(has(api_server_command(input(c21), nullptr), "--insecure-port=0"));
  EXPECT_FALSE(has(api_server_command(input(c22), nullptr), "--insecure-port=0"));
  EXPECT_TRUE(has(controller_manager_command(input(c22)), "--port=0"));
  EXPECT_TRUE(has(scheduler_command(input(c22)), "--port=0"));
  EXPECT_FALSE(has(controller_manager_command(input(c23)), "--port=0"));
  EXPECT_FALSE(has(scheduler_command(input(c23)), "--port=0"));
}

TEST(Manifests, PodSubnetTurnsOnNodeCIDRAllocation) {
  auto c = cluster("v1.30.14");
  c.networking.pod_subnet = "10.244.0.0/16";
  auto cmd = controller_manager_command(input(c));
  EXPECT_TRUE(has(cmd, "--allocate-node-cidrs=true"));
  EXPECT_TRUE(has(cmd, "--cluster-cidr=10.244.0.0/16"));
  EXPECT_TRUE(has(cmd, "--service-cluster-ip-range=10.96.0.0/12"));
}

TEST(Manifests, ExtraArgsOverrideDefaultsAndKeepV1beta4Duplicates) {
  auto c = cluster("v1.31.14");
  c.api_server.extra_args = {
      {"secure-port", "7443"}, {"tls-cipher-suites", "b"}, {"tls-cipher-suites", "a"}};
  auto cmd = api_server_command(input(c), nullptr);
  EXPECT_TRUE(has(cmd, "--secure-port=7443"));
  EXPECT_FALSE(has(cmd, "--secure-port=6443"));
  auto a = std::find(cmd.begin(), cmd.end(), "--tls-cipher-suites=a");
  auto b = std::find(cmd.begin(), cmd.end(), "--tls-cipher-suites=b");
  ASSERT_NE(a, cmd.end());
  ASSERT_NE(b, cmd.end());
  EXPECT_LT(a, b);  // same name: sorted by value
  EXPECT_TRUE(std::is_sorted(cmd.begin() + 1, cmd.end()));
}

TEST(Manifests, AuthorizationModeIsValidatedUpToV1_30AndVerbatimAfter) {
  auto c = cluster("v1.30.14");
  c.api_server.extra_args = {{"authorization-mode", "RBAC,Node,Bogus"}};
  std::vector<std::string> warnings;
  EXPECT_TRUE(has(api_server_command(input(c), &warnings), "--authorization-mode=RBAC,Node"));
  EXPECT_EQ(warnings.size(), 2u);
  auto c31 = cluster("v1.31.14");
  c31.api_server.extra_args = c.api_server.extra_args;
  EXPECT_TRUE(has(api_server_command(input(c31), nullptr), "--authorization-mode=RBAC,Node,Bogus"));
  c31.api_server.extra_args = {{"authorization-config", "/etc/authz.yaml"}};
  for (const auto& f : api_server_command(input(c31), nullptr))
    EXPECT_NE(f.rfind("--authorization-mode", 0), 0u) << f;
}

TEST(Manifests, PodFieldsFollowTheRelease) {
  auto c20 = cluster("v1.20.15"), c27 = cluster("v1.27.16"), c34 = cluster("v1.34.10");
  auto p20 = control_plane_pod(input(c20), kScheduler);
  auto p27 = control_plane_pod(input(c27), kScheduler);
  auto p34 = control_plane_pod(input(c34), kScheduler);
  EXPECT_FALSE(p20["spec"].contains("securityContext"));
  EXPECT_FALSE(p20["spec"].contains("priority"));
  EXPECT_EQ(p27["spec"]["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  EXPECT_EQ(p27["spec"]["priority"], 2000001000);
  EXPECT_TRUE(p27["metadata"].contains("creationTimestamp"));
  EXPECT_FALSE(p34["metadata"].contains("creationTimestamp"));
  EXPECT_EQ(p34["spec"]["priorityClassName"], "system-node-critical");
}

TEST(Manifests, EtcdProbesAndFlagsPerRelease) {
  auto c20 = cluster("v1.20.15"), c25 = cluster("v1.25.16"), c31 = cluster("v1.31.14");
  auto c34 = cluster("v1.34.10"), c36 = cluster("v1.36.5");
  auto e20 = etcd_pod(input(c20));
  auto& k20 = e20["spec"]["containers"][0];
  EXPECT_EQ(k20["livenessProbe"]["httpGet"]["path"], "/health");
  EXPECT_EQ(k20["resources"]["requests"]["ephemeral-storage"], "100Mi");
  EXPECT_FALSE(has(k20["command"], "--experimental-initial-corrupt-check=true"));
  auto e25 = etcd_pod(input(c25));
  auto& k25 = e25["spec"]["containers"][0];
  EXPECT_EQ(k25["livenessProbe"]["httpGet"]["path"], "/health?exclude=NOSPACE&serializable=true");
  EXPECT_EQ(k25["startupProbe"]["httpGet"]["path"], "/health?serializable=false");
  EXPECT_TRUE(has(k25["command"], "--experimental-initial-corrupt-check=true"));
  EXPECT_TRUE(has(k25["command"], "--experimental-watch-progress-notify-interval=5s"));
  auto e31 = etcd_pod(input(c31));
  auto& k31 = e31["spec"]["containers"][0];
  EXPECT_EQ(k31["livenessProbe"]["httpGet"]["path"], "/livez");
  EXPECT_EQ(k31["readinessProbe"]["httpGet"]["path"], "/readyz");
  EXPECT_EQ(k31["startupProbe"]["httpGet"]["path"], "/readyz");
  auto cmd34 = etcd_command(input(c34), {});
  EXPECT_TRUE(has(cmd34, "--feature-gates=InitialCorruptCheck=true"));  // etcd 3.6.5
  c34.etcd.local->image_tag = "3.5.24-0";
  auto cmd34old = etcd_command(input(c34), {});
  EXPECT_TRUE(has(cmd34old, "--experimental-initial-corrupt-check=true"));
  c36.etcd.local->image_tag = "3.5.24-0";
  EXPECT_TRUE(has(etcd_command(input(c36), {}), "--watch-progress-notify-interval=5s"));
}

TEST(Manifests, EtcdJoinListsTheExistingMembers) {
  auto c = cluster("v1.30.14");
  auto cmd =
      etcd_command(input(c), {{"a", "https://10.0.0.1:2380"}, {"node1", "https://10.1.2.3:2380"}});
  EXPECT_TRUE(has(cmd, "--initial-cluster=a=https://10.0.0.1:2380,node1=https://10.1.2.3:2380"));
  EXPECT_TRUE(has(cmd, "--initial-cluster-state=existing"));
}

TEST(Manifests, StartupProbeThresholdFollowsTheHealthCheckTimeout) {
  auto c = cluster("v1.31.14");
  auto in = input(c);
  in.health_check_timeout = std::chrono::seconds(95);
  auto pod = control_plane_pod(in, kAPIServer);
  EXPECT_EQ(pod["spec"]["containers"][0]["startupProbe"]["failureThreshold"], 10);
}

TEST(Manifests, ExtraVolumesAndEnvsAreMountedAndMerged) {
  auto c = cluster("v1.31.14");
  c.api_server.extra_volumes = {
      {"audit", "/var/log/k8s", "/var/log/audit", false, "DirectoryOrCreate"}};
  c.api_server.extra_envs = {json{{"name", "A"}, {"value", "1"}},
                             json{{"name", "HTTP_PROXY"}, {"value", "x"}}};
  auto in = input(c);
  in.host.environ = {{"no_proxy", "localhost"}, {"HTTP_PROXY", "http://p:3128"}, {"PATH", "/bin"}};
  auto pod = control_plane_pod(in, kAPIServer);
  const auto& ctr = pod["spec"]["containers"][0];
  json env = json::array({{{"name", "A"}, {"value", "1"}},
                          {{"name", "HTTP_PROXY"}, {"value", "x"}},
                          {{"name", "no_proxy"}, {"value", "localhost"}}});
  EXPECT_EQ(ctr["env"], env);  // sorted, extraEnvs win (v1.31+)
  bool mounted = false;
  for (const auto& m : ctr["volumeMounts"])
    if (m["name"] == "audit" && m["mountPath"] == "/var/log/audit" && !m.contains("readOnly"))
      mounted = true;
  EXPECT_TRUE(mounted);
}

TEST(Manifests, ExternalEtcdCertificateDirectoriesAreMounted) {
  auto c = cluster("v1.20.15");
  c.etcd.local.reset();
  c.etcd.external = api::ExternalEtcd{
      {"https://e:2379"}, {}, "/etc/etcd/ca.crt", "/etc/etcd/pki/c.crt", "/etc/pki/etcd/c.key"};
  auto m = control_plane_mounts(input(c), kAPIServer);
  ASSERT_TRUE(m.count("etcd-certs-0"));
  EXPECT_EQ(m["etcd-certs-0"].host_path, "/etc/etcd");
  EXPECT_FALSE(m.count("etcd-certs-1"));  // /etc/etcd/pki is inside /etc/etcd; /etc/pki is mounted
  EXPECT_THROW(etcd_pod(input(c)), Error);
}

TEST(Manifests, ProbeHostFollowsBindAddress) {
  auto c = cluster("v1.20.15");
  c.controller_manager.extra_args = {{"bind-address", "0.0.0.0"}};
  c.scheduler.extra_args = {{"bind-address", "10.1.2.3"}};
  auto kcm = control_plane_pod(input(c), kControllerManager);
  EXPECT_FALSE(kcm["spec"]["containers"][0]["livenessProbe"]["httpGet"].contains("host"));
  auto ks = control_plane_pod(input(c), kScheduler);
  EXPECT_EQ(ks["spec"]["containers"][0]["livenessProbe"]["httpGet"]["host"], "10.1.2.3");
}

}  // namespace
}  // namespace kadm::manifests

namespace kadm::manifests {
namespace {

TEST(Manifests, RelativeExtraVolumePathsAreRejectedBeforeRendering) {
  auto set = api::load_config_text(
      "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\napiServer:\n  "
      "extraVolumes:\n"
      "  - name: audit\n    hostPath: var/log\n    mountPath: /var/log\n",
      "bad.yaml");
  auto errors = api::validate(set);
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors[0].render().find("apiServer.extraVolumes"), std::string::npos)
      << errors[0].render();
  EXPECT_NE(errors[0].render().find("not an absolute path"), std::string::npos);
}

TEST(Manifests, UnknownComponentIsAnError) {
  api::ClusterConfiguration c;
  c.kubernetes_version = "v1.30.14";
  api::set_defaults(c);
  Input in;
  in.cluster = &c;
  in.release = versions::find_release(30);
  EXPECT_THROW(control_plane_pod(in, "kube-proxy"), Error);
}

}  // namespace
}  // namespace kadm::manifests
