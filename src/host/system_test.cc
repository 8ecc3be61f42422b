#include "host/system.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <thread>

namespace kadm::host {
namespace {

int priority_of(int tid) {
  errno = 0;
  int p = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  return errno == 0 ? p : -100;
}

// kubelet-start hands the cores to the kubelet it started: the thread that goes on making keys
// drops to nice 19 and gets its priority back for the wait; threads already running keep theirs.
TEST(LowPriority, LowersThisThreadUntilItEnds) {
  if (geteuid() != 0) GTEST_SKIP() << "restoring a priority needs root";
  int tid = gettid();
  int before = priority_of(tid);
  std::atomic<int> other_tid{0};
  std::atomic<bool> done{false};
  std::thread other([&] {
    other_tid = gettid();
    while (!done) std::this_thread::yield();
  });
  while (other_tid == 0) std::this_thread::yield();
  {
    LowPriority low;
    EXPECT_EQ(priority_of(tid), 19);
    EXPECT_EQ(priority_of(other_tid), before);
  }
  done = true;
  other.join();
  EXPECT_EQ(priority_of(tid), before);
}

}  // namespace
}  // namespace kadm::host
