#include "preflight/checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "api/validate.h"
#include "host/init_system.h"
#include "host/machine.h"
#include "preflight/proxy.h"
#include "preflight/runtime.h"
#include "util/log.h"
#include "util/net.h"
#include "versions/table.h"
#include "versions/version.h"

namespace kadm::preflight {
namespace {

Result error(std::string m) { return Result{{}, {std::move(m)}}; }
Result warning(std::string m) { return Result{{std::move(m)}, {}}; }

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// k8s.io/apimachinery validation.IsQualifiedName: an optional DNS-1123 subdomain prefix and "/",
// then a name of at most 63 alphanumerics, '-', '_' or '.', alphanumeric at both ends.
std::vector<std::string> qualified_name_problems(const std::string& value) {
  std::vector<std::string> out;
  std::string name = value;
  if (auto slash = value.find('/'); slash != std::string::npos) {
    std::string prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) out.push_back("prefix part must be non-empty");
    else if (auto m = api::check_dns1123_subdomain(prefix); !m.empty()) out.push_back("prefix part " + m);
  }
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (name.empty()) {
    out.push_back("name part must be non-empty");
    return out;
  }
  if (name.size() > 63) out.push_back("name part must be no more than 63 characters");
  bool ok = alnum(name.front()) && alnum(name.back());
  for (char c : name) ok = ok && (alnum(c) || c == '-' || c == '_' || c == '.');
  if (!ok)
    out.push_back(
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  return out;
}

}  // namespace

std::string path_label(const std::string& prefix, const std::string& path) {
  std::string p = path;
  std::replace(p.begin(), p.end(), '/', '-');
  return prefix + "-" + p;
}

Check is_privileged_user() {
  return {"IsPrivilegedUser", [](Env& e) {
            return e.machine.euid() == 0 ? Result{} : error("user is not running as root");
          }};
}

Check num_cpu(int minimum) {
  return {"NumCPU", [minimum](Env& e) {
            int n = e.machine.num_cpus();
            if (n >= minimum) return Result{};
            return error(fmt::format("the number of available CPUs {} is less than the required {}", n, minimum));
          }};
}

Check mem(uint64_t minimum_mb) {
  return {"Mem", [minimum_mb](Env& e) {
            uint64_t mb = e.machine.total_ram_mb();
            if (mb >= minimum_mb) return Result{};
            return error(fmt::format("the system RAM ({} MB) is less than the minimum {} MB", mb, minimum_mb));
          }};
}

Check kubernetes_version(const std::string& kubernetes_version) {
  return {"KubernetesVersion", [kubernetes_version](Env&) {
            auto v = versions::parse_version(kubernetes_version);
            if (!v) return error(fmt::format("couldn't parse Kubernetes version \"{}\"", kubernetes_version));
            const auto& newest = versions::newest_release();
            if (v->major > versions::kMajor || (v->major == versions::kMajor && v->minor > newest.minor)) {
              return warning(fmt::format(
                  "Kubernetes version is greater than kubeadm version. Please consider to upgrade kubeadm. "
                  "Kubernetes version: {}. Kubeadm version: {}.{}.x",
                  v->str().substr(1), versions::kMajor, newest.minor));
            }
            return Result{};
          }};
}

Check firewalld(const std::vector<int>& ports) {
  return {"Firewalld", [ports](Env& e) {
            std::string why;
            auto init = host::detect_init_system(e.machine, &why);
            if (!init) return warning(why);
            if (!init->exists("firewalld")) return Result{};
            if (!init->active("firewalld")) return Result{};
            std::string list;
            for (int p : ports) list += (list.empty() ? "" : " ") + std::to_string(p);
            return warning(fmt::format(
                "firewalld is active, please ensure ports [{}] are open or your cluster may not function correctly", list));
          }};
}

Check port_open(int port) {
  return {fmt::format("Port-{}", port), [port](Env& e) {
            return e.machine.port_free(port) ? Result{} : error(fmt::format("Port {} is in use", port));
          }};
}

Check file_available(const std::string& path, const std::string& label) {
  return {label.empty() ? path_label("FileAvailable", path) : label, [path](Env& e) {
            return e.machine.exists(path) ? error(fmt::format("{} already exists", path)) : Result{};
          }};
}

Check file_existing(const std::string& path, const std::string& label) {
  return {label.empty() ? path_label("FileExisting", path) : label, [path](Env& e) {
            return e.machine.exists(path) ? Result{} : error(fmt::format("{} doesn't exist", path));
          }};
}

Check dir_available(const std::string& path, const std::string& label) {
  return {label.empty() ? path_label("DirAvailable", path) : label, [path](Env& e) {
            auto st = e.machine.stat(path);
            if (!st.exists) return Result{};
            if (!st.is_dir) return error(fmt::format("unable to check if {} is empty: not a directory", path));
            return e.machine.list_dir(path).empty() ? Result{} : error(fmt::format("{} is not empty", path));
          }};
}

Check file_content(const std::string& path, const std::string& content, const std::string& label) {
  return {label.empty() ? path_label("FileContent", path) : label, [path, content](Env& e) {
            auto text = e.machine.read_file(path);
            if (!text) return error(fmt::format("{} does not exist", path));
            if (text->compare(0, content.size(), content) != 0 || text->size() < content.size())
              return error(fmt::format("{} contents are not set to {}", path, content));
            return Result{};
          }};
}

Check in_path(const std::string& executable, bool mandatory, const std::string& suggestion) {
  return {path_label("FileExisting", executable), [executable, mandatory, suggestion](Env& e) {
            if (e.machine.on_path(executable)) return Result{};
            std::string m = fmt::format("{} not found in system path", executable);
            if (mandatory) return error(m);
            if (!suggestion.empty()) m += "\nSuggestion: " + suggestion;
            return warning(m);
          }};
}

Check hostname(const std::string& node_name, bool validate_name) {
  return {"Hostname", [node_name, validate_name](Env& e) {
            Result r;
            if (validate_name)
              for (const auto& m : qualified_name_problems(node_name))
                r.warnings.push_back(fmt::format("invalid node name format \"{}\": {}", node_name, m));
            std::string why;
            auto addrs = e.machine.lookup_host(node_name, &why);
            if (addrs.empty()) {
              r.warnings.push_back(fmt::format("hostname \"{}\" could not be reached", node_name));
              if (!why.empty()) r.warnings.push_back(fmt::format("hostname \"{}\": {}", node_name, why));
            }
            return r;
          }};
}

Check http_proxy(const std::string& proto, const std::string& host) {
  return {"HTTPProxy", [proto, host](Env& e) {
            std::string h = host;
            auto ip = net::parse_ip(host);
            if (ip && ip->v6) h = net::join_host_port(host, 1234);
            std::string url = proto + "://" + h;
            std::string proxy = proxy_for(e.machine, proto, host);
            if (proxy.empty()) return Result{};
            return warning(fmt::format(
                "Connection to \"{}\" uses proxy \"{}\". If that is not intended, adjust your proxy settings", url, proxy));
          }};
}

Check http_proxy_cidr(const std::string& proto, const std::string& cidr) {
  return {"HTTPProxyCIDR", [proto, cidr](Env& e) {
            if (cidr.empty()) return Result{};
            auto c = net::parse_cidr(cidr);
            if (!c) return error(fmt::format("error parsing CIDR \"{}\": invalid CIDR address: {}", cidr, cidr));
            auto first = net::nth_ip(*c, 1);
            if (!first) return error(fmt::format("unable to get first IP address from the given CIDR ({})", c->str()));
            std::string proxy = proxy_for(e.machine, proto, first->str());
            if (proxy.empty()) return Result{};
            return warning(fmt::format(
                "connection to \"{}\" uses proxy \"{}\". This may lead to malfunctional cluster setup. Make sure that "
                "Pod and Services IP ranges specified correctly as exceptions in proxy configuration",
                cidr, proxy));
          }};
}

Check service(const std::string& name, bool check_if_active) {
  std::string label = "Service-" + name;
  if (!label.empty()) label[8] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[8])));
  return {label, [name, check_if_active](Env& e) {
            std::string why;
            auto init = host::detect_init_system(e.machine, &why);
            if (!init) return warning(why);
            if (!init->exists(name)) return warning(fmt::format("{} service does not exist", name));
            Result r;
            if (!init->enabled(name))
              r.warnings.push_back(fmt::format("{} service is not enabled, please run '{}'", name, init->enable_command(name)));
            if (check_if_active && !init->active(name))
              r.errors.push_back(fmt::format("{} service is not active, please run 'systemctl start {}.service'", name, name));
            return r;
          }};
}

Check kubelet_version(const std::string& kubernetes_version, const std::string& minimum_kubelet) {
  return {"KubeletVersion", [kubernetes_version, minimum_kubelet](Env& e) {
            auto r = host::kubelet_version(e.machine);
            if (r.status != 0)
              return error(fmt::format("couldn't get kubelet version: cannot execute 'kubelet --version': {}",
                                       r.error.empty() ? "exit status " + std::to_string(r.status) : r.error));
            std::string out = trim(r.output);
            std::optional<versions::Version> kv;
            if (out.rfind("Kubernetes v", 0) == 0 && out.find(' ', 11) == std::string::npos)
              kv = versions::parse_version(out.substr(11));
            if (!kv) return error(fmt::format("couldn't get kubelet version: Unable to parse output from Kubelet: \"{}\"", out));
            auto min = versions::parse_version(minimum_kubelet);
            std::string kvs = kv->str().substr(1);
            if (min && *kv < *min)
              return error(fmt::format("Kubelet version \"{}\" is lower than kubeadm can support. Please upgrade kubelet", kvs));
            if (!kubernetes_version.empty()) {
              auto k8s = versions::parse_version(kubernetes_version);
              if (!k8s) return error(fmt::format("couldn't parse Kubernetes version \"{}\"", kubernetes_version));
              if (kv->major > k8s->major || kv->minor > k8s->minor)
                return error(fmt::format(
                    "the kubelet version is higher than the control plane version. This is not a supported version skew "
                    "and may lead to a malfunctional cluster. Kubelet version: \"{}\" Control plane version: \"{}\"",
                    kvs, k8s->str().substr(1)));
            }
            return Result{};
          }};
}

Check swap(SwapStyle style) {
  return {"Swap", [style](Env& e) {
            auto text = e.machine.read_file("/proc/swaps");
            if (!text) return Result{};  // no /proc/swaps: nothing to warn about
            // A header line, then one line per active swap device.
            int lines = 0;
            size_t start = 0;
            while (start < text->size()) {
              size_t end = text->find('\n', start);
              if (end == std::string::npos) end = text->size();
              if (end > start) ++lines;
              start = end + 1;
            }
            if (lines <= 1) return Result{};
            switch (style) {
              case SwapStyle::ErrorDisable:
                return error("running with swap on is not supported. Please disable swap");
              case SwapStyle::WarningDisable:
                return warning("running with swap on is not supported. Please disable swap");
              case SwapStyle::WarningNodeSwapBeta:
                return warning("swap is supported for cgroup v2 only; the NodeSwap feature gate of the kubelet is beta but disabled by default");
              case SwapStyle::WarningCgroupV2:
                return warning("swap is supported for cgroup v2 only. The kubelet must be properly configured to use swap. "
                               "Please refer to https://kubernetes.io/docs/concepts/architecture/nodes/#swap-memory, or "
                               "disable swap on the node");
            }
            return Result{};
          }};
}

Check is_docker_systemd() {
  return {"IsDockerSystemdCheck", [](Env& e) {
            auto r = e.machine.run({"docker", "info", "-f", "{{.CgroupDriver}}"});
            if (r.status != 0) return error(fmt::format("failed to get the Docker cgroup driver: {}", r.error));
            std::string driver = trim(r.output);
            if (driver == "systemd") return Result{};
            return warning(fmt::format(
                "detected \"{}\" as the Docker cgroup driver. The recommended driver is \"systemd\". Please follow the "
                "guide at https://kubernetes.io/docs/setup/cri/",
                driver));
          }};
}

Check cri() {
  return {"CRI", [](Env& e) {
            if (!e.runtime) return error("no container runtime to check");
            std::string why = e.runtime->check_running();
            return why.empty() ? Result{} : error(why);
          }};
}

Check image_pull(const ImagePullOptions& o) {
  return {"ImagePull", [o](Env& e) {
            Result r;
            if (o.policy == "Never") {
              log::v(1, "skipping the pull of all images due to policy: Never");
              return r;
            }
            if (o.policy != "Always" && o.policy != "IfNotPresent" && !o.policy.empty())
              return error(fmt::format("unsupported pull policy \"{}\"", o.policy));
            if (!e.runtime) return error("no container runtime to pull images with");
            if (auto sandbox = e.runtime->sandbox_image(); sandbox && *sandbox != o.sandbox_image) {
              log::warning(fmt::format(
                  "detected that the sandbox image \"{}\" of the container runtime is inconsistent with that used by "
                  "kubeadm. It is recommended to use \"{}\" as the CRI sandbox image.",
                  *sandbox, o.sandbox_image));
            }
            for (const auto& image : o.images) {
              if (o.policy != "Always" && e.runtime->image_exists(image)) {
                log::v(1, "image exists: {}", image);
                continue;
              }
              log::v(1, "pulling: {}", image);
              if (auto err = e.runtime->pull_image(image); !err.empty())
                r.errors.push_back(fmt::format("failed to pull image {}: {}", image, err));
            }
            return r;
          }};
}

}  // namespace kadm::preflight
