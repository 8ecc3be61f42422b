// A tiny read-only container registry (the OCI distribution API a pull needs: /v2/, manifests
// by tag or digest, blobs) on 127.0.0.1, serving ArchiveImages. Any repository path serves the
// image whose last path component and tag match ("<host>/<anything>/pause:3.2" → pause:3.2).
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "image_archive.h"

namespace kadm::testing {

class TestRegistry {
 public:
  TestRegistry();
  ~TestRegistry();

  // Serves `image` as <name>:<tag> for each of its repo tags.
  void add(const ArchiveImage& image);
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

  // Manifest answers wait this long (so that concurrent pulls overlap visibly).
  void set_manifest_delay(std::chrono::milliseconds d) { manifest_delay_ = d; }
  // The most manifest requests that were in flight at once since the last reset.
  int max_concurrent_manifests() const { return max_in_flight_; }
  void reset_counters();
  // Request lines seen ("GET /v2/k8s/pause/manifests/3.2").
  std::vector<std::string> requests() const;

 private:
  void serve_manifest(const httplib::Request& req, httplib::Response& res);
  void serve_blob(const httplib::Request& req, httplib::Response& res);

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mu_;
  std::map<std::string, std::string> manifests_by_tag_;     // "pause:3.2" → manifest
  std::map<std::string, std::string> manifests_by_digest_;  // "sha256:..." → manifest
  std::map<std::string, std::string> blobs_;                // "sha256:..." → data
  std::vector<std::string> requests_;
  std::chrono::milliseconds manifest_delay_{0};
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
};

}  // namespace kadm::testing
