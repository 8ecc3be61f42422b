// Unit tests of the CRI client's pure parts, against an in-memory backend: endpoint parsing and
// detection per version, error wording, readiness, sandbox image, parallel and serial pulls,
// component diagnostics and Pod removal. The gRPC module is tested against a real containerd
// in tests/cri/.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <thread>

#include "cri/cleanup.h"
#include "cri/endpoint.h"
#include "cri/fake_backend.h"
#include "cri/inspect.h"
#include "cri/pull.h"
#include "cri/runtime.h"
#include "util/error.h"
#include "versions/table.h"

namespace kadm::cri {
namespace {

using testing::FakeBackend;

const versions::Release& release(int minor) { return *versions::find_release(minor); }

std::function<bool(const std::string&)> sockets(std::set<std::string> present) {
  return [present](const std::string& p) { return present.count(p) > 0; };
}

std::pair<std::unique_ptr<Runtime>, FakeBackend*> fake_runtime() {
  auto backend = std::make_unique<FakeBackend>();
  FakeBackend* raw = backend.get();
  return {std::make_unique<Runtime>("unix:///run/fake.sock", std::move(backend)), raw};
}

TEST(CriEndpoint, SocketPathAcceptsUnixUrlsAndAbsolutePaths) {
  EXPECT_EQ(socket_path("unix:///var/run/containerd/containerd.sock"), "/var/run/containerd/containerd.sock");
  EXPECT_EQ(socket_path("/var/run/crio/crio.sock"), "/var/run/crio/crio.sock");
}

TEST(CriEndpoint, SocketPathRejectsOtherSchemesAndRelativePathsNamingTheValue) {
  for (const char* bad : {"tcp://127.0.0.1:1234", "npipe:////./pipe/containerd", "run/containerd.sock", "unix://rel.sock", ""}) {
    try {
      socket_path(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), kExitConfig) << bad;
      EXPECT_NE(std::string(e.what()).find(std::string("\"") + bad + "\""), std::string::npos) << e.what();
    }
  }
}

TEST(CriEndpoint, UpToV123DockerStandsForDockershimAndHidesItsContainerd) {
  auto got = detect_endpoint(release(20), sockets({"/var/run/docker.sock", "/run/containerd/containerd.sock"}));
  EXPECT_EQ(got, "/var/run/dockershim.sock");
  EXPECT_EQ(detect_endpoint(release(23), sockets({"/run/containerd/containerd.sock"})), "/run/containerd/containerd.sock");
  // dockershim.sock alone (a kubelet left running without Docker) is not Docker.
  EXPECT_EQ(detect_endpoint(release(20), sockets({"/var/run/dockershim.sock", "/var/run/crio/crio.sock"})),
            "/var/run/crio/crio.sock");
}

TEST(CriEndpoint, SeveralRuntimesAreAnErrorListingThem) {
  try {
    detect_endpoint(release(20), sockets({"/var/run/docker.sock", "/var/run/crio/crio.sock"}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "found multiple CRI endpoints on the host: /var/run/dockershim.sock, /var/run/crio/crio.sock");
    EXPECT_NE(e.hint().find("--cri-socket"), std::string::npos);
  }
  try {
    detect_endpoint(release(30), sockets({"/var/run/containerd/containerd.sock", "/var/run/cri-dockerd.sock"}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unix:///var/run/containerd/containerd.sock, unix:///var/run/cri-dockerd.sock"),
              std::string::npos);
  }
}

TEST(CriEndpoint, FromV124DetectionIsTheKnownListWithTheDefaultWhenNoneExists) {
  EXPECT_EQ(detect_endpoint(release(30), sockets({})), "unix:///var/run/containerd/containerd.sock");
  EXPECT_EQ(detect_endpoint(release(36), sockets({"/var/run/cri-dockerd.sock"})), "unix:///var/run/cri-dockerd.sock");
  // Docker's own socket no longer means anything: cri-dockerd has its own.
  EXPECT_EQ(detect_endpoint(release(24), sockets({"/var/run/docker.sock", "/var/run/crio/crio.sock"})),
            "unix:///var/run/crio/crio.sock");
  EXPECT_EQ(detect_endpoint(release(20), sockets({})), "/var/run/dockershim.sock");
}

TEST(CriVersionTable, ApiVersionsAreWhatTheKubeletOfEachMinorSpeaks) {
  using V = std::vector<std::string>;
  EXPECT_EQ(release(20).cri_api_versions, V{"v1alpha2"});
  EXPECT_EQ(release(22).cri_api_versions, V{"v1alpha2"});
  EXPECT_EQ(release(23).cri_api_versions, (V{"v1", "v1alpha2"}));
  EXPECT_EQ(release(25).cri_api_versions, (V{"v1", "v1alpha2"}));
  EXPECT_EQ(release(26).cri_api_versions, V{"v1"});
  EXPECT_EQ(release(36).cri_api_versions, V{"v1"});
  EXPECT_EQ(options_for(release(21)).api_versions, V{"v1alpha2"});
}

TEST(CriConnect, MissingSocketNamesThePathAndWhereRuntimesListen) {
  std::string path = ::testing::TempDir() + "/kadm-no-such-runtime.sock";
  try {
    Runtime::connect("unix://" + path);
    FAIL() << "connected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path + " does not exist"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("--cri-socket"), std::string::npos);
    EXPECT_NE(e.hint().find("containerd"), std::string::npos);
  }
}

TEST(CriConnect, RegularFileIsNotASocket) {
  std::string path = ::testing::TempDir() + "/kadm-cri-regular-file";
  int fd = open(path.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  close(fd);
  try {
    Runtime::connect(path);
    FAIL() << "connected";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitConfig);
    EXPECT_NE(std::string(e.what()).find("is not a Unix socket"), std::string::npos) << e.what();
  }
  unlink(path.c_str());
}

TEST(CriRuntime, CallFailuresNameTheEndpointTheOperationAndTheObject) {
  auto [rt, fake] = fake_runtime();
  fake->fail["pull:registry.k8s.io/pause:3.9"] = {Code::Unavailable, "connection reset by peer"};
  try {
    rt->pull_image("registry.k8s.io/pause:3.9");
    FAIL() << "pulled";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "container runtime at unix:///run/fake.sock: failed to pull image \"registry.k8s.io/pause:3.9\": "
              "connection reset by peer");
    EXPECT_NE(e.hint().find("still running"), std::string::npos);
    EXPECT_EQ(e.exit_code(), kExitFailure);
  }
  fake->fail["list_sandboxes"] = {Code::Timeout, "Deadline Exceeded"};
  try {
    rt->list_pod_sandboxes();
    FAIL() << "listed";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitTimeout);
    EXPECT_NE(std::string(e.what()).find("list Pod sandboxes"), std::string::npos);
  }
}

TEST(CriRuntime, RunningMeansRuntimeReadyNotNetworkReady) {
  auto [rt, fake] = fake_runtime();
  fake->runtime_status.conditions = {{"RuntimeReady", true, "", ""}, {"NetworkReady", false, "NetworkPluginNotReady", "cni config uninitialized"}};
  EXPECT_NO_THROW(rt->check_running());
  fake->runtime_status.conditions[0] = {"RuntimeReady", false, "Broken", "shim failed"};
  try {
    rt->check_running();
    FAIL() << "ready";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("reason: Broken, message: shim failed"), std::string::npos) << e.what();
  }
}

TEST(CriRuntime, SandboxImageComesFromTheVerboseStatusConfig) {
  auto [rt, fake] = fake_runtime();
  fake->runtime_status.info["config"] = R"({"sandboxImage":"registry.k8s.io/pause:3.6","enableSelinux":false})";
  EXPECT_EQ(rt->sandbox_image(), "registry.k8s.io/pause:3.6");
  fake->runtime_status.info["config"] = "not json";
  EXPECT_EQ(rt->sandbox_image(), "");
  fake->runtime_status.info.clear();
  EXPECT_EQ(rt->sandbox_image(), "");
}

// A pull blocks until `n` pulls have been in flight at once (or 10 s pass).
std::function<void(const std::string&)> wait_for_overlap(FakeBackend* fake, int n) {
  return [fake, n](const std::string&) {
    for (int i = 0; i < 1000 && fake->max_pulls_in_flight < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  };
}

TEST(CriPull, ImagesArePulledInParallelByDefault) {
  auto [rt, fake] = fake_runtime();
  fake->on_pull = wait_for_overlap(fake, 3);
  std::vector<std::string> done;
  auto results = pull_images(*rt, {"a:1", "b:1", "c:1"}, {}, [&](const PullResult& r) { done.push_back(r.image); });
  EXPECT_EQ(fake->max_pulls_in_flight, 3);
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) EXPECT_TRUE(r.ok()) << r.image << ": " << r.error;
  EXPECT_EQ(results[1].image, "b:1");
  EXPECT_EQ(results[1].image_ref, "sha256:b:1");
  EXPECT_EQ(done.size(), 3u);
  EXPECT_NO_THROW(check_pulled(results, rt->endpoint()));
}

TEST(CriPull, SerialPullsOneAtATimeAndStopsAtTheFirstFailure) {
  auto [rt, fake] = fake_runtime();
  // Slow pulls: parallel workers would overlap, and would try c:1 while b:1 fails.
  fake->on_pull = [](const std::string&) { std::this_thread::sleep_for(std::chrono::milliseconds(30)); };
  fake->fail["pull:b:1"] = {Code::Other, "manifest unknown"};
  PullOptions o;
  o.serial = true;
  auto results = pull_images(*rt, {"a:1", "b:1", "c:1"}, o);
  EXPECT_EQ(fake->max_pulls_in_flight, 1);
  EXPECT_TRUE(results[0].ok());
  EXPECT_FALSE(results[1].ok());
  EXPECT_FALSE(results[2].attempted);
  EXPECT_EQ(fake->images.count("c:1"), 0u);
  try {
    check_pulled(results, rt->endpoint());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("failed to pull image \"b:1\": manifest unknown"), std::string::npos) << e.what();
  }
}

TEST(CriPull, ParallelFailuresAreAllReported) {
  auto [rt, fake] = fake_runtime();
  fake->fail["pull:a:1"] = {Code::Other, "denied"};
  fake->fail["pull:c:1"] = {Code::Unavailable, "connection refused"};
  auto results = pull_images(*rt, {"a:1", "b:1", "c:1"}, {});
  EXPECT_TRUE(results[1].ok());
  try {
    check_pulled(results, rt->endpoint());
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("2 of 3 images could not be pulled through the container runtime at unix:///run/fake.sock"),
              std::string::npos) << m;
    EXPECT_NE(m.find("\n  a:1: "), std::string::npos) << m;
    EXPECT_NE(m.find("\n  c:1: "), std::string::npos) << m;
    EXPECT_EQ(m.find("b:1"), std::string::npos) << m;
  }
}

TEST(CriPull, IfNotPresentSkipsImagesTheRuntimeHas) {
  auto [rt, fake] = fake_runtime();
  fake->images["a:1"] = Image{"sha256:a", {"a:1"}, {}, 1, false};
  PullOptions o;
  o.if_not_present = true;
  auto results = pull_images(*rt, {"a:1", "b:1"}, o);
  EXPECT_TRUE(results[0].already_present);
  EXPECT_FALSE(results[1].already_present);
  EXPECT_EQ(fake->max_pulls_in_flight, 1);  // only b was pulled
}

TEST(CriInspect, NewestContainerOfTheComponentWithTheKubeletsRestartCount) {
  auto [rt, fake] = fake_runtime();
  auto add = [&, fake = fake](const std::string& id, const std::string& name, int64_t created, const std::string& restarts,
                              ContainerState state, int exit_code) {
    Container c;
    c.id = id;
    c.name = name;
    c.created_at = created;
    c.labels = {{kLabelContainerName, name}, {kLabelPodNamespace, "kube-system"}};
    fake->container_list[id] = c;
    ContainerStatus s;
    s.id = id;
    s.name = name;
    s.state = state;
    s.exit_code = exit_code;
    s.reason = state == ContainerState::Exited ? "Error" : "";
    s.started_at = 1'000'000'000;
    s.finished_at = 3'000'000'000;
    s.annotations = {{kAnnotationRestartCount, restarts}};
    s.log_path = "/var/log/pods/kube-system_" + name + "/" + name + "/" + restarts + ".log";
    fake->containers[id] = s;
  };
  add("0123456789abcdef0", "kube-apiserver", 10, "2", ContainerState::Exited, 1);
  add("1123456789abcdef1", "kube-apiserver", 20, "3", ContainerState::Exited, 1);
  add("2123456789abcdef2", "etcd", 30, "0", ContainerState::Running, 0);
  auto found = component_containers(*rt, "kube-apiserver");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].status.id, "1123456789abcdef1");
  EXPECT_EQ(found[0].restart_count, 3);
  EXPECT_EQ(summarize(found[0]),
            "container kube-apiserver 1123456789abc: exited with code 1 (Error) after 2s, restarted 3 times; "
            "log /var/log/pods/kube-system_kube-apiserver/kube-apiserver/3.log");
  auto etcd = component_containers(*rt, "etcd");
  ASSERT_EQ(etcd.size(), 1u);
  EXPECT_EQ(summarize(etcd[0]).substr(0, 40), "container etcd 2123456789abc: running, r");
  EXPECT_TRUE(component_containers(*rt, "kube-scheduler").empty());
}

TEST(CriCleanup, EverySandboxIsStoppedThenRemovedWithRetriesAndFailuresCollected) {
  auto [rt, fake] = fake_runtime();
  for (const char* id : {"sb1", "sb2", "sb3"}) fake->sandboxes[id] = PodSandbox{id, {id, "", "kube-system", 0}, SandboxState::Ready, 1, {}, {}, ""};
  fake->fail["stop_sandbox:sb2"] = {Code::Other, "busy"};
  fake->fail_times["stop_sandbox:sb2"] = 2;
  fake->fail["remove_sandbox:sb3"] = {Code::Other, "device or resource busy"};
  auto report = remove_all_pod_sandboxes(*rt);
  EXPECT_EQ(report.removed, (std::vector<std::string>{"sb1", "sb2"}));
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].find("remove Pod sandbox sb3: device or resource busy"), std::string::npos) << report.errors[0];
  EXPECT_EQ(std::count(fake->calls.begin(), fake->calls.end(), "stop_sandbox:sb2"), 3);
  EXPECT_EQ(std::count(fake->calls.begin(), fake->calls.end(), "remove_sandbox:sb3"), 5);
  EXPECT_EQ(fake->sandboxes.size(), 1u);
  // Stop comes before remove for each sandbox.
  auto stop = std::find(fake->calls.begin(), fake->calls.end(), "stop_sandbox:sb1");
  auto remove = std::find(fake->calls.begin(), fake->calls.end(), "remove_sandbox:sb1");
  EXPECT_LT(stop, remove);
}

}  // namespace
}  // namespace kadm::cri
