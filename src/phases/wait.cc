#include "phases/wait.h"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "cri/endpoint.h"
#include "cri/inspect.h"
#include "cri/runtime.h"
#include "net/transport.h"
#include "util/error.h"
#include "util/log.h"
#include "util/net.h"
#include "versions/table.h"

namespace kadm::phases {

using Clock = std::chrono::steady_clock;

void wait_for(const std::string& what, Duration timeout,
              const std::function<std::optional<std::string>()>& check,
              const std::function<std::string(const std::string&)>& diagnose) {
  auto start = Clock::now();
  auto next_progress = start + std::chrono::seconds(10);
  std::string last = "no answer yet";
  while (true) {
    auto err = check();
    if (!err) return;
    last = *err;
    auto now = Clock::now();
    if (now - start >= timeout) break;
    if (now >= next_progress) {
      log::progress("[wait] {}: not ready after {}s ({})", what,
                    std::chrono::duration_cast<std::chrono::seconds>(now - start).count(), last);
      next_progress += std::chrono::seconds(10);
    }
    // Each check is one local request; polling often ends the wait soon after the component is
    // up (upstream polls every 500 ms).
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string message = fmt::format("{} is not healthy after {}: {}", what, format_duration(timeout), last);
  std::string why = diagnose ? diagnose(last) : "";
  if (!why.empty()) message += "\n" + why;
  throw Error(message, "", kExitTimeout);
}

std::optional<std::string> KubeletProbe::check() const {
  try {
    auto t = net::connect_plain(host, port, {std::chrono::milliseconds(1000), std::chrono::milliseconds(2000)});
    auto r = t->send(net::Request{"GET", "/healthz", "", "", {}});
    if (r.error != net::TransportError::None) return net::describe(r.error);
    if (r.status != 200) return fmt::format("HTTP {}", r.status);
    return std::nullopt;
  } catch (const Error& e) {
    return std::string(e.what());
  }
}

KubeletProbe kubelet_probe(const api::ConfigSet& config) {
  KubeletProbe p;
  if (config.kubelet) {
    const auto& k = *config.kubelet;
    if (k.contains("healthzBindAddress") && k["healthzBindAddress"].is_string())
      p.host = k["healthzBindAddress"].get<std::string>();
    if (k.contains("healthzPort") && k["healthzPort"].is_number_integer()) p.port = k["healthzPort"].get<int>();
  }
  if (p.host == "0.0.0.0" || p.host.empty()) p.host = "127.0.0.1";
  p.url = fmt::format("http://{}/healthz", net::join_host_port(p.host, p.port));
  return p;
}

namespace {

// PIDs whose command name is `name`.
std::vector<int> processes_named(const std::string& name) {
  std::vector<int> out;
  DIR* proc = opendir("/proc");
  if (!proc) return out;
  while (dirent* e = readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    std::ifstream comm(std::string("/proc/") + e->d_name + "/comm");
    std::string c;
    std::getline(comm, c);
    if (c == name) out.push_back(std::atoi(e->d_name));
  }
  closedir(proc);
  return out;
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.push_back(n);
    }
    closedir(d);
  }
  return out;
}

long mtime(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_mtime : 0;
}

std::vector<std::string> tail_lines(const std::string& path, size_t n) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    // CRI log lines: "<time> <stream> <P|F> <message>"; keep the message.
    size_t sp = 0;
    for (int i = 0; i < 3 && sp != std::string::npos; ++i) sp = line.find(' ', sp + (i ? 1 : 0));
    lines.push_back(sp == std::string::npos ? line : line.substr(sp + 1));
    if (lines.size() > n) lines.erase(lines.begin());
  }
  return lines;
}

}  // namespace

std::string diagnose_kubelet(const KubeletProbe& kubelet, const std::string& last) {
  auto pids = processes_named("kubelet");
  if (pids.empty())
    return "  the kubelet is not running on this node: start it (systemctl start kubelet, or your init system's "
           "equivalent) and look at its log";
  return fmt::format("  the kubelet runs (pid {}) but {} answers: {}; look at the kubelet's log", pids.front(),
                     kubelet.url, last);
}

ContainerDiagnosis diagnose_containers(const std::string& component, const std::string& cri_socket) {
  ContainerDiagnosis d;
  if (!cri::module_available()) return d;
  try {
    std::string endpoint = cri_socket.empty() ? cri::detect_endpoint(versions::newest_release()) : cri_socket;
    cri::ConnectOptions options;  // diagnostics must not hang on a sick runtime
    options.connect_timeout = std::chrono::seconds(3);
    options.call_timeout = std::chrono::seconds(5);
    auto runtime = cri::Runtime::connect(endpoint, options);
    auto containers = cri::component_containers(*runtime, component);
    if (containers.empty()) {
      d.text = fmt::format("  the container runtime at {} has no container of {}", endpoint, component);
      return d;
    }
    d.found = true;
    const auto& newest = containers.front();
    d.text = "  " + cri::summarize(newest);
    if (!newest.status.log_path.empty()) {
      auto lines = tail_lines(newest.status.log_path, 10);
      if (!lines.empty()) d.text += fmt::format("\n  last lines of {}:", newest.status.log_path);
      for (const auto& l : lines) d.text += "\n    " + l;
    }
  } catch (const Error& e) {
    d.text = fmt::format("  the container runtime could not be asked about {}: {}", component, e.what());
  }
  return d;
}

std::string diagnose_component(const std::string& component, const std::string& node, const std::string& url,
                               const std::string& last, const KubeletProbe& kubelet,
                               const std::string& pods_log_dir, const std::string& cri_socket) {
  std::string out = fmt::format("  {} at {}: {}", component, url, last);
  auto containers = diagnose_containers(component, cri_socket);
  if (containers.found) return out + "\n" + containers.text;
  if (!containers.text.empty()) out += "\n" + containers.text;
  // Static Pod logs live in <pods_log_dir>/kube-system_<component>-<node>_<uid>/<container>/<restarts>.log.
  std::string prefix = fmt::format("kube-system_{}-{}_", component, node);
  std::string newest;
  for (const auto& d : list_dir(pods_log_dir))
    if (d.rfind(prefix, 0) == 0 && (newest.empty() || mtime(pods_log_dir + "/" + d) > mtime(pods_log_dir + "/" + newest)))
      newest = d;
  if (newest.empty()) {
    out += fmt::format("\n  no container of {} has been started on this node (nothing under {}/{}*): "
                       "check that its image is present ('kadm config images list') and the kubelet's log",
                       component, pods_log_dir, prefix);
    auto k = kubelet.check();
    out += k ? "\n" + diagnose_kubelet(kubelet, *k) : "\n  the kubelet is healthy";
    return out;
  }
  std::string dir = pods_log_dir + "/" + newest + "/" + component;
  std::vector<std::string> logs;
  for (const auto& f : list_dir(dir))
    if (f.size() > 4 && f.compare(f.size() - 4, 4, ".log") == 0) logs.push_back(f);
  std::sort(logs.begin(), logs.end(), [](const std::string& a, const std::string& b) { return std::atoi(a.c_str()) < std::atoi(b.c_str()); });
  if (logs.empty()) {
    out += fmt::format("\n  its container has not written a log yet ({})", dir);
    return out;
  }
  int restarts = std::atoi(logs.back().c_str());
  out += fmt::format("\n  its container has started {} time(s); last lines of {}/{}:", restarts + 1, dir, logs.back());
  for (const auto& l : tail_lines(dir + "/" + logs.back(), 10)) out += "\n    " + l;
  return out;
}

}  // namespace kadm::phases
