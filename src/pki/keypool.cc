#include "pki/keypool.h"

#include <sys/resource.h>
#include <unistd.h>

#include "pki/ossl.h"

namespace kadm::pki {

KeyPool::KeyPool(unsigned threads) {
  ossl::init();  // before any worker uses OpenSSL: without its atexit clean-up (see ossl::init)
  unsigned cores = std::thread::hardware_concurrency();
  max_threads_ = threads ? threads : (cores > 1 ? cores - 1 : 1);
}

KeyPool::~KeyPool() {
  stop_ = true;
  for (auto& t : workers_)
    if (t.joinable()) t.join();
}

void KeyPool::run(Job& job) {
  try {
    job.promise.set_value(generate_key(job.algorithm));
  } catch (...) {
    job.promise.set_exception(std::current_exception());
  }
}

void KeyPool::work() {
  int tid = gettid();
  std::unique_lock<std::mutex> lock(mu_);
  worker_tids_.push_back(tid);
  size_t next = 0;  // the jobs before it are claimed
  while (!stop_ && active_ <= max_threads_) {
    std::shared_ptr<Job> job;
    for (; next < jobs_.size() && !job; ++next) {
      bool expected = false;
      if (jobs_[next]->claimed.compare_exchange_strong(expected, true)) job = jobs_[next];
    }
    if (!job) break;
    lock.unlock();
    run(*job);
    lock.lock();
  }
  // Under the lock: prefetch() sees the worker gone and starts a new one if needed, and
  // callers_only() never renices a thread that has ended (its id may be reused).
  --active_;
  std::erase(worker_tids_, tid);
}

// An ECDSA key takes tens of microseconds: less than starting a thread, whose stack, malloc arena
// and OpenSSL random generators would cost more time and memory than making the key when asked.
static bool worth_a_thread(KeyAlgorithm algorithm) {
  return algorithm != KeyAlgorithm::kECDSAP256 && algorithm != KeyAlgorithm::kECDSAP384;
}

void KeyPool::prefetch(const std::string& name, KeyAlgorithm algorithm) {
  if (!worth_a_thread(algorithm)) return;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& j : jobs_)
    if (j->name == name) return;
  auto job = std::make_shared<Job>();
  job->name = name;
  job->algorithm = algorithm;
  job->future = job->promise.get_future().share();
  jobs_.push_back(job);
  // Start a worker per queued key up to the limit; finished workers are replaced.
  size_t unclaimed = 0;
  for (const auto& j : jobs_) unclaimed += j->claimed ? 0 : 1;
  if (active_ < max_threads_ && unclaimed > 0) {
    ++active_;
    workers_.emplace_back([this] { work(); });
  }
}

Key KeyPool::take(const std::string& name, KeyAlgorithm algorithm) {
  std::shared_ptr<Job> job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& j : jobs_)
      if (j->name == name && j->algorithm == algorithm) job = j;
  }
  if (!job) return generate_key(algorithm);
  bool expected = false;
  if (job->claimed.compare_exchange_strong(expected, true)) {
    run(*job);
    return job->future.get();
  }
  // A worker is making it: rather than idle, make keys nobody has started yet.
  while (job->future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    std::shared_ptr<Job> other;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& j : jobs_) {
        bool free = false;
        if (j->claimed.compare_exchange_strong(free, true)) {
          other = j;
          break;
        }
      }
    }
    if (!other) break;
    run(*other);
  }
  return job->future.get();
}

void KeyPool::callers_only() {
  std::lock_guard<std::mutex> lock(mu_);
  max_threads_ = 0;
  for (int tid : worker_tids_) setpriority(PRIO_PROCESS, static_cast<id_t>(tid), 19);
}

KeyPool& key_pool() {
  static KeyPool pool;
  return pool;
}

}  // namespace kadm::pki
