// A machine for tests: files live under a fresh temporary root directory (the real file code runs
// against it), while processes, ports, users, resolver and mounts are scripted. Commands are
// recorded, never run, so a test can never change the host it runs on.
#pragma once

#include <stdlib.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "host/machine.h"

namespace kadm::host {

class FakeMachine : public SystemMachine {
 public:
  FakeMachine() : SystemMachine(make_root()) {}
  ~FakeMachine() override { SystemMachine::remove_all("/"); }

  // Scripted facts.
  uid_t uid = 0;
  int cpus = 4;
  uint64_t ram_mb = 8192;
  std::string kernel = "5.10.0-21-amd64";
  std::set<int> busy_ports;
  std::set<std::string> executables = {"conntrack", "ip", "iptables", "mount", "nsenter", "ebtables",
                                       "ethtool", "socat", "tc", "touch", "crictl", "kubelet",
                                       "systemctl", "modprobe", "swapoff", "sysctl"};
  std::map<std::string, std::vector<std::string>> hosts = {{"node1", {"10.0.0.11"}}};
  std::map<std::string, std::string> env;
  bool v2 = false;

  // Every command run, and how to answer one: by default exit 0 with no output.
  std::vector<std::vector<std::string>> commands;
  std::function<CommandResult(const std::vector<std::string>&)> on_run;
  std::vector<std::string> unmounted;

  // Writes a file under the fake root.
  void put(const std::string& path, const std::string& content, mode_t mode = 0644) {
    write_file(path, content, mode);
  }
  std::string get(const std::string& path) { return read_file(path).value_or("<missing>"); }

  CommandResult run(const std::vector<std::string>& argv) override {
    commands.push_back(argv);
    if (on_run) return on_run(argv);
    CommandResult r;
    r.status = 0;
    return r;
  }
  // "swapoff -a" style one-line views of the commands run.
  std::vector<std::string> command_lines() const {
    std::vector<std::string> out;
    for (const auto& c : commands) {
      std::string line;
      for (const auto& a : c) line += (line.empty() ? "" : " ") + a;
      out.push_back(line);
    }
    return out;
  }
  bool on_path(const std::string& e) override { return executables.count(e) > 0; }
  // Scripted build info: "executable variable" -> value (by default no executable records any).
  std::map<std::string, std::string> go_linked;
  std::optional<std::string> go_linked_string(const std::string& e, std::string_view name) override {
    auto it = go_linked.find(e + " " + std::string(name));
    if (it == go_linked.end()) return std::nullopt;
    return it->second;
  }
  uid_t euid() override { return uid; }
  int num_cpus() override { return cpus; }
  uint64_t total_ram_mb() override { return ram_mb; }
  std::string kernel_release() override { return kernel; }
  bool port_free(int port) override { return busy_ports.count(port) == 0; }
  std::vector<std::string> lookup_host(const std::string& name, std::string* why) override {
    auto it = hosts.find(name);
    if (it == hosts.end()) {
      if (why) *why = "lookup " + name + ": no such host";
      return {};
    }
    return it->second;
  }
  std::string getenv(const std::string& name) override {
    auto it = env.find(name);
    return it == env.end() ? "" : it->second;
  }
  bool cgroup_v2() override { return v2; }
  std::string unmount(const std::string& target, int) override {
    unmounted.push_back(target);
    return "";
  }

 private:
  static std::string make_root() {
    const char* tmp = ::getenv("TMPDIR");
    std::string t = std::string(tmp && *tmp ? tmp : "/tmp") + "/kadm-fakeroot-XXXXXX";
    if (!::mkdtemp(t.data())) return "/nonexistent-kadm-fakeroot";
    return t;
  }
};

}  // namespace kadm::host
