// Parallel key generation. RSA key generation dominates `init phase certs all`; the keys are
// independent, so they are generated on all cores up front while the caller signs and writes
// certificates in order, waiting only for the key it needs next (mold-style: parallel loop over
// independent work). The calling thread helps: when it asks for a key no worker has started yet,
// it generates that key itself instead of waiting.
#pragma once

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pki/key.h"

namespace kadm::pki {

class KeyPool {
 public:
  // `threads` background workers; 0 = one less than the number of cores (the caller is the last).
  explicit KeyPool(unsigned threads = 0);
  ~KeyPool();  // stops workers after the key each is making; unclaimed keys are never made
  KeyPool(const KeyPool&) = delete;
  KeyPool& operator=(const KeyPool&) = delete;

  // Queues keys to be made in the background, in this order. A name already queued is ignored.
  void prefetch(const std::string& name, KeyAlgorithm algorithm);
  // The key queued as `name` (waiting for it, or making it now if no worker has started it), or a
  // freshly generated key if nothing was queued under that name or the algorithm differs.
  Key take(const std::string& name, KeyAlgorithm algorithm);
  // From now on keys are made only by the threads that take them: workers finish the key each is
  // making at the lowest CPU priority, then stop. For when another process needs the cores more
  // (a kubelet starting up).
  void callers_only();

 private:
  struct Job {
    std::string name;
    KeyAlgorithm algorithm;
    std::atomic<bool> claimed{false};
    std::promise<Key> promise;
    std::shared_future<Key> future;
  };
  void work();
  static void run(Job& job);

  unsigned max_threads_;  // guarded by mu_
  std::mutex mu_;
  std::vector<std::shared_ptr<Job>> jobs_;
  std::vector<std::thread> workers_;
  unsigned active_ = 0;  // workers running; guarded by mu_
  std::vector<int> worker_tids_;  // guarded by mu_
  std::atomic<bool> stop_{false};
};

// The process's key pool: phases that run one after another in one `kadm init` share it, so a
// phase can prefetch keys a later phase needs.
KeyPool& key_pool();

}  // namespace kadm::pki
