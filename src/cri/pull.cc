#include "cri/pull.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "util/error.h"

namespace kadm::cri {

std::vector<PullResult> pull_images(Runtime& runtime, const std::vector<std::string>& images, const PullOptions& options,
                                    const std::function<void(const PullResult&)>& on_done) {
  std::vector<PullResult> results(images.size());
  for (size_t i = 0; i < images.size(); ++i) results[i].image = images[i];
  std::mutex report;
  std::atomic<bool> stop{false};
  auto pull_one = [&](PullResult& r) {
    auto start = std::chrono::steady_clock::now();
    r.attempted = true;
    try {
      if (options.if_not_present && runtime.image_present(r.image)) {
        r.already_present = true;
      } else {
        r.image_ref = runtime.pull_image(r.image);
      }
    } catch (const Error& e) {
      r.error = e.what();
    }
    r.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (!r.error.empty() && options.serial) stop = true;
    if (on_done) {
      std::lock_guard<std::mutex> lock(report);
      on_done(r);
    }
  };

  size_t workers = options.serial ? 1 : std::min(images.size(), std::max<size_t>(1, options.max_parallel));
  if (workers <= 1) {
    for (auto& r : results) {
      if (stop) break;
      pull_one(r);
    }
    return results;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w)
    threads.emplace_back([&] {
      for (size_t i = next++; i < results.size(); i = next++) pull_one(results[i]);
    });
  for (auto& t : threads) t.join();
  return results;
}

void check_pulled(const std::vector<PullResult>& results, const std::string& endpoint) {
  std::vector<const PullResult*> failed;
  for (const auto& r : results)
    if (r.attempted && !r.error.empty()) failed.push_back(&r);
  if (failed.empty()) return;
  if (failed.size() == 1) throw Error(failed.front()->error, "check the image name, the registry and the runtime's log");
  std::string message = fmt::format("{} of {} images could not be pulled through the container runtime at {}:",
                                    failed.size(), results.size(), endpoint);
  for (const auto* r : failed) message += fmt::format("\n  {}: {}", r->image, r->error);
  throw Error(message, "check the image names, the registry and the runtime's log");
}

}  // namespace kadm::cri
