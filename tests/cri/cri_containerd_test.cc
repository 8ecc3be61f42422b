// kadm's CRI client (kadm-cri.so, loaded through cri::Runtime) against a real containerd from
// Debian, started by the test on a private socket and state directory, and a registry the test
// serves on 127.0.0.1. Covers both CRI versions containerd 1.6 serves (runtime.v1 and
// runtime.v1alpha2), image import, pulls with and without a mirror, Pod sandboxes and containers
// with the lab's pause image, `kadm config images pull`, the wait-control-plane diagnostics and
// the failures a user meets: bad sockets, a socket that is not a CRI server, containerd without
// its CRI plugin, and a runtime stopped half-way.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "containerd.h"
#include "cri/cleanup.h"
#include "cri/inspect.h"
#include "cri/runtime.h"
#include "image_archive.h"
#include "phases/wait.h"
#include "registry.h"
#include "util/error.h"

namespace kadm::testing {
namespace {

using Clock = std::chrono::steady_clock;
using cri::Runtime;

const std::string kLabImages = KADM_LAB_IMAGES;
const std::string kPauseTar = kLabImages + "/pause_3.2.tar";
const std::string kSandboxImage = "k8s.gcr.io/pause:3.2";  // what the lab's pause tar is tagged
const std::string kMirrorHost = "mirror.kadm.test";        // never resolved: the mirror answers first

bool has_tag(const std::vector<cri::Image>& images, const std::string& tag) {
  return std::any_of(images.begin(), images.end(), [&](const cri::Image& i) {
    return std::find(i.repo_tags.begin(), i.repo_tags.end(), tag) != i.repo_tags.end();
  });
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

cri::ConnectOptions api(const std::string& version) {
  cri::ConnectOptions o;
  o.api_versions = {version};
  return o;
}

// One containerd (CRI on, a mirror for kMirrorHost pointing at the registry) and one registry
// for the whole suite; each test cleans what it made.
class CriContainerd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new TestRegistry();
    ContainerdOptions o;
    o.sandbox_image = kSandboxImage;
    o.mirrors = {{kMirrorHost, "http://" + registry_->host()}};
    containerd_ = new TestContainerd(o);
    if (access(kPauseTar.c_str(), R_OK) == 0) {
      pause_ = new ArchiveImage(read_docker_archive(kPauseTar).at(0));
      registry_->add(*pause_);
    }
  }
  static void TearDownTestSuite() {
    delete containerd_;
    delete registry_;
    delete pause_;
    containerd_ = nullptr;
    registry_ = nullptr;
    pause_ = nullptr;
  }
  void SetUp() override { registry_->reset_counters(); }

  static std::string endpoint() { return containerd_->endpoint(); }
  bool registry_saw(const std::string& request) const { return contains(registry_->requests(), request); }

  static TestRegistry* registry_;
  static TestContainerd* containerd_;
  static ArchiveImage* pause_;
};

TestRegistry* CriContainerd::registry_ = nullptr;
TestContainerd* CriContainerd::containerd_ = nullptr;
ArchiveImage* CriContainerd::pause_ = nullptr;

#define NEED_PAUSE_IMAGE()                                                                        \
  if (!pause_) GTEST_SKIP() << "the lab's pause image " << kPauseTar << " is missing (lab/ci-prepare builds it)"

TEST_F(CriContainerd, VersionStatusAndSandboxImageOverBothApiVersions) {
  EXPECT_EQ(Runtime::connect(endpoint())->api_version(), "v1");  // newest first by default
  for (const std::string version : {"v1", "v1alpha2"}) {
    auto rt = Runtime::connect(endpoint(), api(version));
    EXPECT_EQ(rt->api_version(), version);
    auto v = rt->version();
    EXPECT_EQ(v.runtime_name, "containerd");
    EXPECT_EQ(v.runtime_api_version, version);
    EXPECT_EQ(v.runtime_version.rfind("1.6", 0), 0u) << v.runtime_version;
    auto st = rt->status();
    auto ready = std::find_if(st.conditions.begin(), st.conditions.end(),
                              [](const cri::RuntimeCondition& c) { return c.type == "RuntimeReady"; });
    ASSERT_NE(ready, st.conditions.end());
    EXPECT_TRUE(ready->status);
    EXPECT_NO_THROW(rt->check_running());
    EXPECT_EQ(rt->sandbox_image(), kSandboxImage) << version;
  }
}

TEST_F(CriContainerd, LocallyBuiltImageIsListedAfterImport) {
  NEED_PAUSE_IMAGE();
  auto hello = build_image(*pause_, {{"kadm-hello.txt", "built by the kadm CRI test\n"}}, "kadm.test/local/hello:1");
  std::string archive = containerd_->dir() + "/hello.tar";
  {
    std::ofstream out(archive, std::ios::binary);
    out << make_docker_archive({hello});
  }
  containerd_->import(archive);
  containerd_->import(kPauseTar);
  for (const std::string version : {"v1", "v1alpha2"}) {
    auto rt = Runtime::connect(endpoint(), api(version));
    auto images = rt->list_images();
    EXPECT_TRUE(has_tag(images, "kadm.test/local/hello:1")) << version;
    EXPECT_TRUE(has_tag(images, kSandboxImage)) << version;
    EXPECT_TRUE(rt->image_present("kadm.test/local/hello:1"));
    EXPECT_FALSE(rt->image_present("kadm.test/local/absent:1"));
  }
  auto rt = Runtime::connect(endpoint());
  rt->remove_image("kadm.test/local/hello:1");
  EXPECT_FALSE(rt->image_present("kadm.test/local/hello:1"));
}

TEST_F(CriContainerd, PullsFromALoopbackRegistryDirectlyAndThroughAMirror) {
  NEED_PAUSE_IMAGE();
  for (const std::string version : {"v1", "v1alpha2"}) {
    auto rt = Runtime::connect(endpoint(), api(version));
    std::string direct = registry_->host() + "/kadm-" + version + "/pause:3.2";
    std::string ref = rt->pull_image(direct);
    EXPECT_EQ(ref.rfind("sha256:", 0), 0u) << ref;
    EXPECT_TRUE(rt->image_present(direct));
    EXPECT_TRUE(registry_saw("GET /v2/kadm-" + version + "/pause/manifests/3.2") ||
                registry_saw("HEAD /v2/kadm-" + version + "/pause/manifests/3.2"));

    std::string mirrored = kMirrorHost + "/kadm-mirror-" + version + "/pause:3.2";
    rt->pull_image(mirrored);
    EXPECT_TRUE(rt->image_present(mirrored));
    EXPECT_TRUE(registry_saw("GET /v2/kadm-mirror-" + version + "/pause/manifests/3.2") ||
                registry_saw("HEAD /v2/kadm-mirror-" + version + "/pause/manifests/3.2"));
    for (const auto& image : {direct, mirrored}) rt->remove_image(image);
    EXPECT_FALSE(rt->image_present(direct));
  }
  auto rt = Runtime::connect(endpoint());
  std::string absent = registry_->host() + "/kadm-test/absent:1";
  try {
    rt->pull_image(absent);
    FAIL() << "pulled " << absent;
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("container runtime at " + endpoint() + ": failed to pull image \"" + absent + "\""),
              std::string::npos) << m;
    EXPECT_NE(m.find("not found"), std::string::npos) << m;
  }
}

TEST_F(CriContainerd, SandboxAndContainerLifecycleDiagnosticsAndResetCleanup) {
  NEED_PAUSE_IMAGE();
  containerd_->import(kPauseTar);
  auto rt = Runtime::connect(endpoint(), api("v1alpha2"));
  cri::PodSandboxConfig pod;
  pod.metadata = {"kadm-test-pod", "uid-1", "kube-system", 0};
  pod.log_directory = containerd_->dir() + "/pods/kube-system_kadm-test-pod_uid-1";
  pod.network = cri::NamespaceMode::Node;  // no CNI needed
  pod.labels = {{cri::kLabelPodName, "kadm-test-pod"}, {cri::kLabelPodNamespace, "kube-system"}};
  std::string sandbox = rt->run_pod_sandbox(pod);
  auto sandboxes = rt->list_pod_sandboxes();
  ASSERT_EQ(sandboxes.size(), 1u);
  EXPECT_EQ(sandboxes[0].id, sandbox);
  EXPECT_EQ(sandboxes[0].state, cri::SandboxState::Ready);
  EXPECT_EQ(sandboxes[0].metadata.name, "kadm-test-pod");

  cri::ContainerConfig c;
  c.name = "kadm-test-pause";
  c.image = kSandboxImage;
  c.labels = {{cri::kLabelContainerName, "kadm-test-pause"}, {cri::kLabelPodNamespace, "kube-system"}};
  c.annotations = {{cri::kAnnotationRestartCount, "0"}};
  c.log_path = "kadm-test-pause/0.log";
  std::string container = rt->create_container(sandbox, c, pod);
  rt->start_container(container);
  auto running = rt->container_status(container);
  EXPECT_EQ(running.state, cri::ContainerState::Running);
  EXPECT_EQ(running.log_path, pod.log_directory + "/kadm-test-pause/0.log");

  rt->stop_container(container, 0);  // no grace period: killed
  auto v1 = Runtime::connect(endpoint(), api("v1"));
  auto found = cri::component_containers(*v1, "kadm-test-pause");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].status.state, cri::ContainerState::Exited);
  EXPECT_EQ(found[0].status.exit_code, 137);
  EXPECT_NE(cri::summarize(found[0]).find("exited with code 137"), std::string::npos) << cri::summarize(found[0]);

  // What wait-control-plane prints for a component whose container died.
  auto diagnosis = phases::diagnose_containers("kadm-test-pause", endpoint());
  EXPECT_TRUE(diagnosis.found) << diagnosis.text;
  EXPECT_NE(diagnosis.text.find("container kadm-test-pause " + container.substr(0, 13) + ": exited with code 137"),
            std::string::npos) << diagnosis.text;
  EXPECT_NE(diagnosis.text.find("restarted 0 times; log " + running.log_path), std::string::npos) << diagnosis.text;
  EXPECT_FALSE(phases::diagnose_containers("kube-apiserver", endpoint()).found);

  rt->stop_pod_sandbox(sandbox);
  EXPECT_EQ(rt->list_pod_sandboxes().at(0).state, cri::SandboxState::NotReady);
  pod.metadata.name = "kadm-test-pod-2";  // a second, still running sandbox: reset removes both
  std::string sandbox2 = rt->run_pod_sandbox(pod);

  auto report = cri::remove_all_pod_sandboxes(*v1);
  EXPECT_TRUE(report.errors.empty()) << report.errors.at(0);
  EXPECT_EQ(std::set<std::string>(report.removed.begin(), report.removed.end()),
            (std::set<std::string>{sandbox, sandbox2}));
  EXPECT_TRUE(rt->list_pod_sandboxes().empty());
  EXPECT_TRUE(rt->list_containers().empty());
}

TEST_F(CriContainerd, ConfigImagesPullPullsEveryImageInParallelOrSerially) {
  std::vector<std::string> tars = {"kube-apiserver_v1.20.2", "kube-controller-manager_v1.20.2", "kube-scheduler_v1.20.2",
                                   "kube-proxy_v1.20.2", "pause_3.2", "etcd_3.4.13-0", "coredns_1.7.0"};
  for (const auto& t : tars)
    if (access((kLabImages + "/" + t + ".tar").c_str(), R_OK) != 0)
      GTEST_SKIP() << "the lab's image " << kLabImages << "/" << t << ".tar is missing (lab/ci-prepare builds it)";
  for (const auto& t : tars) registry_->add(read_docker_archive(kLabImages + "/" + t + ".tar").at(0));

  std::string repo = registry_->host() + "/k8s";
  std::string out;
  ASSERT_EQ(run({KADM_BINARY, "config", "images", "list", "--kubernetes-version", "v1.20.2", "--image-repository", repo},
                &out),
            0)
      << out;
  auto images = lines_of(out);
  ASSERT_EQ(images.size(), 7u) << out;

  registry_->set_manifest_delay(std::chrono::milliseconds(300));
  int rc = run({KADM_BINARY, "config", "images", "pull", "--kubernetes-version", "v1.20.2", "--image-repository", repo,
                "--cri-socket", endpoint()},
               &out);
  ASSERT_EQ(rc, 0) << out;
  std::vector<std::string> expected;
  for (const auto& i : images) expected.push_back("[config/images] Pulled " + i);
  auto printed = lines_of(out);
  EXPECT_EQ(std::set<std::string>(printed.begin(), printed.end()), std::set<std::string>(expected.begin(), expected.end()))
      << out;
  EXPECT_GE(registry_->max_concurrent_manifests(), 2) << "pulls did not overlap";
  auto rt = Runtime::connect(endpoint());
  auto listed = rt->list_images();
  for (const auto& i : images) EXPECT_TRUE(has_tag(listed, i)) << i;

  // imagePullSerial: true in the file: one at a time, in `images list` order.
  std::string serial_repo = registry_->host() + "/k8s-serial";
  std::string config = containerd_->dir() + "/serial.yaml";
  {
    std::ofstream f(config);
    f << "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nnodeRegistration:\n  criSocket: " << endpoint()
      << "\n  imagePullSerial: true\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
      << "kubernetesVersion: v1.20.2\nimageRepository: " << serial_repo << "\n";
  }
  registry_->reset_counters();
  rc = run({KADM_BINARY, "config", "images", "pull", "--config", config}, &out);
  ASSERT_EQ(rc, 0) << out;
  expected.clear();
  for (const auto& i : images) expected.push_back("[config/images] Pulled " + serial_repo + i.substr(repo.size()));
  EXPECT_EQ(lines_of(out), expected);
  EXPECT_EQ(registry_->max_concurrent_manifests(), 1);
  registry_->set_manifest_delay(std::chrono::milliseconds(0));

  // v1.21 images are not in the registry (its etcd is): every missing one is named, exit 1.
  rc = run({KADM_BINARY, "config", "images", "pull", "--kubernetes-version", "v1.21.0", "--image-repository", repo,
            "--cri-socket", endpoint()},
           &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("images could not be pulled through the container runtime at " + endpoint()), std::string::npos)
      << out;
  EXPECT_NE(out.find(repo + "/kube-apiserver:v1.21.0: "), std::string::npos) << out;
  EXPECT_NE(out.find("[config/images] Pulled " + repo + "/etcd:3.4.13-0"), std::string::npos) << out;

  for (const auto& i : images) rt->remove_image(i);
  for (const auto& i : images) rt->remove_image(serial_repo + i.substr(repo.size()));
  rt->remove_image(repo + "/etcd:3.4.13-0");
}

// ---------------------------------------------------------------- failures

// A Unix socket served by a thread: `mode` "silent" accepts and never answers, "http" answers
// every connection with an HTTP/1.1 error and closes, "stale" binds without listening.
class FakeSocket {
 public:
  FakeSocket(const std::string& path, const std::string& mode) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    unlink(path.c_str());
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind " + path);
    if (mode == "stale") return;
    listen(fd_, 16);
    thread_ = std::thread([this, mode] {
      while (!stop_) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) break;
        if (mode == "http") {
          const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
          (void)!send(c, reply, sizeof reply - 1, MSG_NOSIGNAL);  // the client may be gone
          close(c);
        } else {
          held_.push_back(c);
        }
      }
    });
  }
  ~FakeSocket() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    close(fd_);
    for (int c : held_) close(c);
    unlink(path_.c_str());
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::vector<int> held_;
};

std::string temp_socket(const std::string& name) { return ::testing::TempDir() + "/kadm-cri-" + name + ".sock"; }

// Connects and returns the error; fails the test if it connects or takes longer than `limit`.
Error connect_error(const std::string& endpoint, const cri::ConnectOptions& o, std::chrono::seconds limit) {
  auto start = Clock::now();
  try {
    Runtime::connect(endpoint, o);
  } catch (const Error& e) {
    EXPECT_LT(Clock::now() - start, limit) << "took too long: " << e.what();
    return e;
  }
  ADD_FAILURE() << "connected to " << endpoint;
  return Error("connected");
}

TEST(CriFailures, SocketThatNeverAnswersTimesOutNamingIt) {
  std::string path = temp_socket("silent");
  FakeSocket s(path, "silent");
  cri::ConnectOptions o;
  o.connect_timeout = std::chrono::seconds(1);
  auto e = connect_error("unix://" + path, o, std::chrono::seconds(10));
  EXPECT_EQ(std::string(e.what()), "no CRI answer from unix://" + path + " within 1s");
  EXPECT_EQ(e.exit_code(), kExitTimeout);
  EXPECT_NE(e.hint().find("containerd listens on unix:///var/run/containerd/containerd.sock"), std::string::npos);
}

TEST(CriFailures, SocketThatIsNotAGrpcServerIsSaidSo) {
  std::string path = temp_socket("http");
  FakeSocket s(path, "http");
  cri::ConnectOptions o;
  o.connect_timeout = std::chrono::seconds(3);
  auto e = connect_error(path, o, std::chrono::seconds(10));
  std::string m = e.what();
  EXPECT_EQ(m.find(path + " accepts connections but does not answer as a gRPC server ("), 0u) << m;
  EXPECT_NE(e.hint().find("container runtime's socket"), std::string::npos) << e.hint();
}

TEST(CriFailures, SocketLeftByAStoppedRuntimeIsRefused) {
  std::string path = temp_socket("stale");
  FakeSocket s(path, "stale");
  auto e = connect_error("unix://" + path, {}, std::chrono::seconds(10));
  EXPECT_EQ(std::string(e.what()), "no container runtime answers at unix://" + path + ": Connection refused");
  EXPECT_NE(e.hint().find("start it"), std::string::npos);
}

TEST(CriFailures, ContainerdWithoutItsCriPluginIsExplained) {
  ContainerdOptions o;
  o.cri_enabled = false;
  TestContainerd containerd(o);
  auto e = connect_error(containerd.endpoint(), {}, std::chrono::seconds(20));
  std::string m = e.what();
  EXPECT_NE(m.find("the container runtime at " + containerd.endpoint() +
                   " does not speak a CRI version kadm can use here (runtime.v1, runtime.v1alpha2)"),
            std::string::npos)
      << m;
  EXPECT_NE(e.hint().find("disabled_plugins"), std::string::npos);
}

TEST(CriFailures, RuntimeStoppedHalfWayFailsWithinTheDeadline) {
  TestContainerd containerd;
  cri::ConnectOptions o;
  o.call_timeout = std::chrono::seconds(2);
  auto rt = Runtime::connect(containerd.endpoint(), o);
  EXPECT_NO_THROW(rt->list_images());

  kill(containerd.pid(), SIGSTOP);  // hung: the call must end at its deadline
  auto start = Clock::now();
  try {
    rt->list_pod_sandboxes();
    ADD_FAILURE() << "a stopped runtime answered";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), kExitTimeout) << e.what();
    EXPECT_NE(std::string(e.what()).find("container runtime at " + containerd.endpoint() + ": list Pod sandboxes"),
              std::string::npos) << e.what();
  }
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  kill(containerd.pid(), SIGCONT);

  kill(containerd.pid(), SIGKILL);  // gone: the next call fails at once, naming the socket
  containerd.stop();
  start = Clock::now();
  try {
    rt->list_images();
    ADD_FAILURE() << "a killed runtime answered";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("container runtime at " + containerd.endpoint() + ": list images"),
              std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("still running"), std::string::npos) << e.hint();
  }
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
  auto e = connect_error(containerd.endpoint(), {}, std::chrono::seconds(10));
  EXPECT_EQ(std::string(e.what()), "no container runtime answers at " + containerd.endpoint() + ": Connection refused");
}

TEST(CriFailures, ConfigImagesPullWithBadSocketsExitsWithAClearError) {
  std::string out;
  std::string missing = "unix://" + temp_socket("nothing-here");
  int rc = run({KADM_BINARY, "config", "images", "pull", "--kubernetes-version", "v1.20.2", "--cri-socket", missing}, &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("no container runtime at " + missing), std::string::npos) << out;
  rc = run({KADM_BINARY, "config", "images", "pull", "--kubernetes-version", "v1.20.2", "--cri-socket", "tcp://127.0.0.1:1"},
           &out);
  EXPECT_EQ(rc, 3) << out;
  EXPECT_NE(out.find("Unix sockets only"), std::string::npos) << out;
}

}  // namespace
}  // namespace kadm::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  std::string missing = kadm::testing::missing_prerequisite();
  if (!missing.empty()) {
    std::cout << "SKIP: CRI integration tests need a real containerd: " << missing << "\n";
    return 77;
  }
  kadm::testing::become_subreaper();
  return RUN_ALL_TESTS();
}
