#include "host/init_system.h"

#include <fmt/format.h>

namespace kadm::host {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
  return s.substr(i);
}

std::string failure(const CommandResult& r) {
  std::string out = trim(r.output);
  return out.empty() ? r.error : fmt::format("{}: {}", r.error, out);
}

class Systemd : public InitSystem {
 public:
  explicit Systemd(Machine& m) : m_(m) {}
  bool exists(const std::string& s) override {
    return m_.run({"systemctl", "status", s}).output.find("Loaded: not-found") == std::string::npos;
  }
  bool enabled(const std::string& s) override { return m_.run({"systemctl", "is-enabled", s}).status == 0; }
  bool active(const std::string& s) override {
    std::string out = trim(m_.run({"systemctl", "is-active", s}).output);
    return out == "active" || out == "activating";
  }
  std::string stop(const std::string& s) override {
    auto r = m_.run({"systemctl", "stop", s});
    return r.status == 0 ? "" : failure(r);
  }
  std::string restart(const std::string& s) override {
    auto reload = m_.run({"systemctl", "daemon-reload"});
    if (reload.status != 0) return "failed to reload systemd: " + failure(reload);
    auto r = m_.run({"systemctl", "restart", s});
    return r.status == 0 ? "" : failure(r);
  }
  std::string enable_command(const std::string& s) const override {
    return fmt::format("systemctl enable {}.service", s);
  }
  std::vector<std::vector<std::string>> service_queries(const std::string& s) const override {
    return {{"systemctl", "status", s}, {"systemctl", "is-enabled", s}};
  }

 private:
  Machine& m_;
};

class OpenRC : public InitSystem {
 public:
  explicit OpenRC(Machine& m) : m_(m) {}
  bool exists(const std::string& s) override {
    return m_.run({"rc-service", s, "status"}).output.find("does not exist") == std::string::npos;
  }
  bool enabled(const std::string& s) override {
    return m_.run({"rc-update", "show", "default"}).output.find(s) != std::string::npos;
  }
  bool active(const std::string& s) override {
    std::string out = m_.run({"rc-service", s, "status"}).output;
    return out.find("stopped") == std::string::npos && out.find("does not exist") == std::string::npos;
  }
  std::string stop(const std::string& s) override {
    auto r = m_.run({"rc-service", s, "stop"});
    return r.status == 0 ? "" : failure(r);
  }
  std::string restart(const std::string& s) override {
    auto r = m_.run({"rc-service", s, "restart"});
    return r.status == 0 ? "" : failure(r);
  }
  std::string enable_command(const std::string& s) const override {
    return fmt::format("rc-update add {} default", s);
  }
  std::vector<std::vector<std::string>> service_queries(const std::string& s) const override {
    return {{"rc-service", s, "status"}, {"rc-update", "show", "default"}};
  }

 private:
  Machine& m_;
};

}  // namespace

std::unique_ptr<InitSystem> detect_init_system(Machine& m, std::string* why) {
  if (m.on_path("systemctl")) return std::make_unique<Systemd>(m);
  if (m.on_path("openrc")) return std::make_unique<OpenRC>(m);
  if (why) *why = "no supported init system detected, skipping checking for services";
  return nullptr;
}

}  // namespace kadm::host
