// Diagnostics of wait-control-plane that ask the container runtime.
#include <gtest/gtest.h>

#include "phases/wait.h"

namespace kadm::phases {
namespace {

TEST(WaitDiagnostics, UnreachableRuntimeIsSaidNotFatal) {
  std::string socket = "unix://" + ::testing::TempDir() + "/kadm-wait-no-runtime.sock";
  auto d = diagnose_containers("kube-apiserver", socket);
  EXPECT_FALSE(d.found);
  EXPECT_NE(d.text.find("the container runtime could not be asked about kube-apiserver"), std::string::npos) << d.text;
  EXPECT_NE(d.text.find("does not exist"), std::string::npos) << d.text;
}

TEST(WaitDiagnostics, ComponentWithoutRuntimeFallsBackToPodLogs) {
  std::string socket = "unix://" + ::testing::TempDir() + "/kadm-wait-no-runtime.sock";
  KubeletProbe kubelet;
  kubelet.port = 1;  // nothing listens: the kubelet check fails fast
  auto text = diagnose_component("etcd", "node1", "https://127.0.0.1:2381/health", "connection refused", kubelet,
                                 ::testing::TempDir() + "/kadm-no-pod-logs", socket);
  EXPECT_NE(text.find("etcd at https://127.0.0.1:2381/health: connection refused"), std::string::npos) << text;
  EXPECT_NE(text.find("could not be asked about etcd"), std::string::npos) << text;
  EXPECT_NE(text.find("no container of etcd has been started on this node"), std::string::npos) << text;
}

}  // namespace
}  // namespace kadm::phases
