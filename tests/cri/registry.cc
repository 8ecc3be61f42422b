#include "registry.h"

#include <stdexcept>

namespace kadm::testing {

namespace {
constexpr const char* kManifestType = "application/vnd.docker.distribution.manifest.v2+json";
}

TestRegistry::TestRegistry() {
  server_.set_logger([this](const httplib::Request& req, const httplib::Response&) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(req.method + " " + req.path);
  });
  server_.Get("/v2/", [](const httplib::Request&, httplib::Response& res) { res.set_content("{}", "application/json"); });
  server_.Get(R"(/v2/(.+)/manifests/([^/]+))",
              [this](const httplib::Request& req, httplib::Response& res) { serve_manifest(req, res); });
  server_.Get(R"(/v2/(.+)/blobs/([^/]+))",
              [this](const httplib::Request& req, httplib::Response& res) { serve_blob(req, res); });
  port_ = server_.bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("test registry: cannot bind a port on 127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // The socket is bound and listening already; wait for the accept loop too.
  for (int i = 0; i < 1000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

TestRegistry::~TestRegistry() {
  server_.stop();
  if (thread_.joinable()) thread_.join();
}

void TestRegistry::add(const ArchiveImage& image) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string manifest = image.manifest();
  manifests_by_digest_[image.manifest_digest()] = manifest;
  for (const auto& tag : image.repo_tags) manifests_by_tag_[tag.substr(tag.rfind('/') + 1)] = manifest;
  blobs_[image.config.digest] = image.config.data;
  for (const auto& l : image.layers) blobs_[l.digest] = l.data;
}

void TestRegistry::reset_counters() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
  max_in_flight_ = 0;
}

std::vector<std::string> TestRegistry::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void TestRegistry::serve_manifest(const httplib::Request& req, httplib::Response& res) {
  int now = ++in_flight_;
  for (int seen = max_in_flight_; now > seen && !max_in_flight_.compare_exchange_weak(seen, now);) {
  }
  if (manifest_delay_.count() > 0) std::this_thread::sleep_for(manifest_delay_);
  std::string name = req.matches[1];
  std::string ref = req.matches[2];
  std::string manifest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (ref.rfind("sha256:", 0) == 0) {
      auto it = manifests_by_digest_.find(ref);
      if (it != manifests_by_digest_.end()) manifest = it->second;
    } else {
      auto it = manifests_by_tag_.find(name.substr(name.rfind('/') + 1) + ":" + ref);
      if (it != manifests_by_tag_.end()) manifest = it->second;
    }
  }
  --in_flight_;
  if (manifest.empty()) {
    res.status = 404;
    res.set_content(R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})", "application/json");
    return;
  }
  res.set_header("Docker-Content-Digest", sha256_digest(manifest));
  res.set_content(manifest, kManifestType);
}

void TestRegistry::serve_blob(const httplib::Request& req, httplib::Response& res) {
  std::string digest = req.matches[2];
  std::string data;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = blobs_.find(digest);
    if (it != blobs_.end()) data = it->second;
  }
  if (data.empty()) {
    res.status = 404;
    res.set_content(R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]})", "application/json");
    return;
  }
  res.set_header("Docker-Content-Digest", digest);
  res.set_content(std::move(data), "application/octet-stream");
}

}  // namespace kadm::testing
