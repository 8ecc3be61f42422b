// Pulling images through the container runtime: `kadm config images pull` and preflight's image
// pulls. Independent images are pulled in parallel unless the configuration asks for serial
// pulls (nodeRegistration.imagePullSerial), the runtime downloading each one's layers itself.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "cri/runtime.h"

namespace kadm::cri {

struct PullOptions {
  bool serial = false;         // one at a time, stopping at the first failure (upstream's order)
  bool if_not_present = false; // skip images the runtime already has (imagePullPolicy IfNotPresent)
  size_t max_parallel = 8;
};

struct PullResult {
  std::string image;
  bool attempted = false;        // false: not tried (serial mode stopped earlier)
  bool already_present = false;  // skipped under if_not_present
  std::string image_ref;         // the runtime's reference after a pull
  std::string error;             // empty on success
  std::chrono::milliseconds took{0};
  bool ok() const { return attempted && error.empty(); }
};

// Pulls `images` and returns one result per image, in the order given. `on_done` is called once
// per finished image, as it finishes, from the pulling thread but never concurrently: the place
// to print progress. Runtime failures are reported in the results, never thrown.
std::vector<PullResult> pull_images(Runtime& runtime, const std::vector<std::string>& images, const PullOptions& options,
                                    const std::function<void(const PullResult&)>& on_done = {});

// Throws one kadm::Error naming every image that failed and why; returns when all succeeded.
void check_pulled(const std::vector<PullResult>& results, const std::string& endpoint);

}  // namespace kadm::cri
