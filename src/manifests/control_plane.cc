#include "manifests/control_plane.h"

#include <fmt/format.h>

#include "images/images.h"
#include "util/error.h"
#include "util/net.h"

namespace kadm::manifests {
namespace {

using nlohmann::json;

constexpr const char* kKubernetesDir = "/etc/kubernetes";
constexpr const char* kCACertsPath = "/etc/ssl/certs";
constexpr const char* kFlexVolumeDir = "/usr/libexec/kubernetes/kubelet-plugins/volume/exec";
constexpr int kControllerManagerPort = 10257;
constexpr int kSchedulerPort = 10259;
constexpr int kEtcdClientPort = 2379;

std::string join_path(const std::string& dir, const std::string& file) {
  if (!dir.empty() && dir.back() == '/') return dir + file;
  return dir + "/" + file;
}

bool is_ipv6(const std::string& s) {
  auto ip = net::parse_ip(s);
  return ip && ip->v6;
}

const std::vector<std::string> kAuthzModes = {"Node", "RBAC",        "Webhook",
                                              "ABAC", "AlwaysAllow", "AlwaysDeny"};

// getAuthzModes: the user's valid modes in their order, else Node,RBAC.
std::string authz_modes(const std::string& requested, std::vector<std::string>* warnings) {
  const std::string def = "Node,RBAC";
  if (requested.empty()) return def;
  std::vector<std::string> modes;
  for (const auto& m : net::split_comma(requested)) {
    if (std::find(kAuthzModes.begin(), kAuthzModes.end(), m) != kAuthzModes.end()) {
      modes.push_back(m);
    } else if (warnings) {
      warnings->push_back(
          fmt::format("ignoring unknown kube-apiserver authorization-mode \"{}\"", m));
    }
  }
  if (modes.empty()) return def;
  std::string joined = fmt::format("{}", fmt::join(modes, ","));
  if (joined != def && warnings)
    warnings->push_back(fmt::format(
        "the default kube-apiserver authorization-mode is \"{}\"; using \"{}\"", def, joined));
  return joined;
}

void add(Mounts& m, const std::string& name, const std::string& host, const std::string& mount,
         bool ro, const std::string& type) {
  m[name] = Mount{name, host, mount, type, ro};
}

// Directories of the external etcd certificates that are not mounted already (getEtcdCertVolumes).
std::vector<std::string> etcd_cert_dirs(const api::ExternalEtcd& e, const std::string& cert_dir) {
  std::vector<std::string> dirs;
  for (const auto& path : {e.ca_file, e.cert_file, e.key_file}) {
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    bool covered = dir == "." || dir == kCACertsPath || dir == cert_dir;
    for (const auto& p : kCACertsExtraPaths)
      if (dir.rfind(p, 0) == 0) covered = true;
    if (covered) continue;
    bool exists = false;
    for (auto it = dirs.begin(); it != dirs.end();) {
      if (it->rfind(dir, 0) == 0) {
        it = dirs.erase(it);  // the new directory is a parent of an existing one
      } else {
        if (dir.rfind(*it, 0) == 0) exists = true;
        ++it;
      }
    }
    if (!exists) dirs.push_back(dir);
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

}  // namespace

const std::vector<std::string>& control_plane_components() {
  static const std::vector<std::string> c = {kAPIServer, kControllerManager, kScheduler};
  return c;
}

std::vector<std::string> api_server_command(const Input& in, std::vector<std::string>* warnings) {
  const auto& c = *in.cluster;
  const auto& r = *in.release;
  const std::string& pki = c.certificates_dir;
  std::vector<api::Arg> d = {
      {"advertise-address", in.endpoint.advertise_address},
      {"enable-admission-plugins", "NodeRestriction"},
      {"service-cluster-ip-range", c.networking.service_subnet},
      {"service-account-key-file", join_path(pki, "sa.pub")},
      {"service-account-signing-key-file", join_path(pki, "sa.key")},
      {"service-account-issuer", "https://kubernetes.default.svc." + c.networking.dns_domain},
      {"client-ca-file", join_path(pki, "ca.crt")},
      {"tls-cert-file", join_path(pki, "apiserver.crt")},
      {"tls-private-key-file", join_path(pki, "apiserver.key")},
      {"kubelet-client-certificate", join_path(pki, "apiserver-kubelet-client.crt")},
      {"kubelet-client-key", join_path(pki, "apiserver-kubelet-client.key")},
      {"enable-bootstrap-token-auth", "true"},
      {"secure-port", std::to_string(in.endpoint.bind_port)},
      {"allow-privileged", "true"},
      {"kubelet-preferred-address-types", "InternalIP,ExternalIP,Hostname"},
      {"requestheader-username-headers", "X-Remote-User"},
      {"requestheader-group-headers", "X-Remote-Group"},
      {"requestheader-extra-headers-prefix", "X-Remote-Extra-"},
      {"requestheader-client-ca-file", join_path(pki, "front-proxy-ca.crt")},
      {"requestheader-allowed-names", "front-proxy-client"},
      {"proxy-client-cert-file", join_path(pki, "front-proxy-client.crt")},
      {"proxy-client-key-file", join_path(pki, "front-proxy-client.key")},
  };
  if (r.apiserver_insecure_port_zero) set_arg(d, "insecure-port", "0");
  if (c.etcd.external) {
    const auto& e = *c.etcd.external;
    std::string servers;
    for (const auto& ep : e.endpoints) servers += (servers.empty() ? "" : ",") + ep;
    set_arg(d, "etcd-servers", servers);
    if (!e.ca_file.empty()) set_arg(d, "etcd-cafile", e.ca_file);
    if (!e.cert_file.empty() && !e.key_file.empty()) {
      set_arg(d, "etcd-certfile", e.cert_file);
      set_arg(d, "etcd-keyfile", e.key_file);
    }
  } else {
    std::string local = is_ipv6(in.endpoint.advertise_address) ? "::1" : "127.0.0.1";
    set_arg(d, "etcd-servers", "https://" + net::join_host_port(local, kEtcdClientPort));
    set_arg(d, "etcd-cafile", join_path(pki, "etcd/ca.crt"));
    set_arg(d, "etcd-certfile", join_path(pki, "apiserver-etcd-client.crt"));
    set_arg(d, "etcd-keyfile", join_path(pki, "apiserver-etcd-client.key"));
    if (c.etcd.local)
      if (auto v = arg_value(c.etcd.local->extra_args, "advertise-client-urls"))
        set_arg(d, "etcd-servers", *v);
  }
  if (r.dual_stack_gate_to_components) {
    auto g = c.feature_gates.find("IPv6DualStack");
    if (g != c.feature_gates.end())
      set_arg(d, "feature-gates", fmt::format("IPv6DualStack={}", g->second ? "true" : "false"));
  }
  const auto& extra = c.api_server.extra_args;
  bool structured_authz =
      r.authorization_config_replaces_mode && arg_value(extra, "authorization-config").has_value();
  std::vector<api::Arg> overrides = extra;
  if (!structured_authz) {
    auto user = arg_value(extra, "authorization-mode");
    std::string modes = authz_modes(user.value_or(""), warnings);
    set_arg(d, "authorization-mode", modes);
    // Up to v1.30 the validated list replaced the user's value; from v1.31 (extraArgs as a list)
    // the user's value is passed as written.
    if (user && !r.user_authz_mode_verbatim) set_arg(overrides, "authorization-mode", modes);
  }
  auto cmd = arguments_to_command(d, overrides);
  cmd.insert(cmd.begin(), kAPIServer);
  return cmd;
}

std::vector<std::string> controller_manager_command(const Input& in) {
  const auto& c = *in.cluster;
  const auto& r = *in.release;
  const std::string& pki = c.certificates_dir;
  std::string kubeconfig = join_path(kKubernetesDir, "controller-manager.conf");
  std::string ca = join_path(pki, "ca.crt");
  std::vector<api::Arg> d = {
      {"bind-address", "127.0.0.1"},
      {"leader-elect", "true"},
      {"kubeconfig", kubeconfig},
      {"authentication-kubeconfig", kubeconfig},
      {"authorization-kubeconfig", kubeconfig},
      {"client-ca-file", ca},
      {"requestheader-client-ca-file", join_path(pki, "front-proxy-ca.crt")},
      {"root-ca-file", ca},
      {"service-account-private-key-file", join_path(pki, "sa.key")},
      {"cluster-signing-cert-file", ca},
      {"cluster-signing-key-file", join_path(pki, "ca.key")},
      {"use-service-account-credentials", "true"},
      {"controllers", "*,bootstrapsigner,tokencleaner"},
  };
  if (r.kcm_scheduler_port_zero) set_arg(d, "port", "0");
  if (in.host.external_ca) {
    // No CA key: the csrsigning controller must not start.
    set_arg(d, "cluster-signing-key-file", "");
    set_arg(d, "cluster-signing-cert-file", "");
  }
  if (!c.networking.pod_subnet.empty()) {
    set_arg(d, "allocate-node-cidrs", "true");
    set_arg(d, "cluster-cidr", c.networking.pod_subnet);
    if (!c.networking.service_subnet.empty())
      set_arg(d, "service-cluster-ip-range", c.networking.service_subnet);
  }
  if (r.dual_stack_gate_to_components) {
    auto g = c.feature_gates.find("IPv6DualStack");
    if (g != c.feature_gates.end())
      set_arg(d, "feature-gates", fmt::format("IPv6DualStack={}", g->second ? "true" : "false"));
  }
  if (!c.cluster_name.empty()) set_arg(d, "cluster-name", c.cluster_name);
  auto cmd = arguments_to_command(d, c.controller_manager.extra_args);
  cmd.insert(cmd.begin(), kControllerManager);
  return cmd;
}

std::vector<std::string> scheduler_command(const Input& in) {
  const auto& c = *in.cluster;
  const auto& r = *in.release;
  std::string kubeconfig = join_path(kKubernetesDir, "scheduler.conf");
  std::vector<api::Arg> d = {
      {"bind-address", "127.0.0.1"},
      {"leader-elect", "true"},
      {"kubeconfig", kubeconfig},
      {"authentication-kubeconfig", kubeconfig},
      {"authorization-kubeconfig", kubeconfig},
  };
  if (r.kcm_scheduler_port_zero) set_arg(d, "port", "0");
  if (r.dual_stack_gate_to_components) {
    auto g = c.feature_gates.find("IPv6DualStack");
    if (g != c.feature_gates.end())
      set_arg(d, "feature-gates", fmt::format("IPv6DualStack={}", g->second ? "true" : "false"));
  }
  auto cmd = arguments_to_command(d, c.scheduler.extra_args);
  cmd.insert(cmd.begin(), kScheduler);
  return cmd;
}

Mounts control_plane_mounts(const Input& in, const std::string& component) {
  const auto& c = *in.cluster;
  const std::string dir_or_create = "DirectoryOrCreate", file_or_create = "FileOrCreate";
  Mounts m;
  const api::ControlPlaneComponent* comp = nullptr;
  if (component == kAPIServer) {
    comp = &c.api_server;
    add(m, "k8s-certs", c.certificates_dir, c.certificates_dir, true, dir_or_create);
    add(m, "ca-certs", kCACertsPath, kCACertsPath, true, dir_or_create);
    if (c.etcd.external) {
      auto dirs = etcd_cert_dirs(*c.etcd.external, c.certificates_dir);
      for (size_t i = 0; i < dirs.size(); ++i)
        add(m, fmt::format("etcd-certs-{}", i), dirs[i], dirs[i], true, dir_or_create);
    }
  } else if (component == kControllerManager) {
    comp = &c.controller_manager;
    add(m, "k8s-certs", c.certificates_dir, c.certificates_dir, true, dir_or_create);
    add(m, "ca-certs", kCACertsPath, kCACertsPath, true, dir_or_create);
    std::string kubeconfig = join_path(kKubernetesDir, "controller-manager.conf");
    add(m, "kubeconfig", kubeconfig, kubeconfig, true, file_or_create);
    std::string flex = arg_value(c.controller_manager.extra_args, "flex-volume-plugin-dir")
                           .value_or(kFlexVolumeDir);
    add(m, "flexvolume-dir", flex, flex, false, dir_or_create);
  } else if (component == kScheduler) {
    comp = &c.scheduler;
    std::string kubeconfig = join_path(kKubernetesDir, "scheduler.conf");
    add(m, "kubeconfig", kubeconfig, kubeconfig, true, file_or_create);
  } else {
    throw Error(fmt::format("unknown control-plane component \"{}\"", component));
  }
  if (component != kScheduler) {
    for (const auto& p : kCACertsExtraPaths) {
      if (!in.host.existing_paths.count(p)) continue;
      std::string name = p.substr(1);
      std::replace(name.begin(), name.end(), '/', '-');
      add(m, name, p, p, true, dir_or_create);
    }
  }
  for (const auto& v : comp->extra_volumes)
    add(m, v.name, v.host_path, v.mount_path, v.read_only, v.path_type);
  return m;
}

json control_plane_pod(const Input& in, const std::string& component,
                       std::vector<std::string>* warnings) {
  const auto& c = *in.cluster;
  json container{{"name", component},
                 {"image", images::kubernetes_image(c, component)},
                 {"imagePullPolicy", "IfNotPresent"}};
  std::map<std::string, std::string> annotations;
  const api::ControlPlaneComponent* comp = nullptr;
  if (component == kAPIServer) {
    comp = &c.api_server;
    container["command"] = api_server_command(in, warnings);
    Probe p{probe_address(in.endpoint.advertise_address.empty() ? "127.0.0.1"
                                                                : in.endpoint.advertise_address),
            "/livez", in.endpoint.bind_port, "HTTPS"};
    container["livenessProbe"] = liveness_probe(p);
    p.path = "/readyz";
    container["readinessProbe"] = readiness_probe(p);
    p.path = "/livez";
    container["startupProbe"] = startup_probe(p, in.health_check_timeout);
    container["resources"] = {{"requests", {{"cpu", "250m"}}}};
    annotations["kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"] =
        net::join_host_port(in.endpoint.advertise_address, in.endpoint.bind_port);
  } else if (component == kControllerManager) {
    comp = &c.controller_manager;
    container["command"] = controller_manager_command(in);
    Probe p{probe_address(arg_value(comp->extra_args, "bind-address").value_or("127.0.0.1")),
            "/healthz", kControllerManagerPort, "HTTPS"};
    container["livenessProbe"] = liveness_probe(p);
    container["startupProbe"] = startup_probe(p, in.health_check_timeout);
    container["resources"] = {{"requests", {{"cpu", "200m"}}}};
  } else if (component == kScheduler) {
    comp = &c.scheduler;
    container["command"] = scheduler_command(in);
    Probe p{probe_address(arg_value(comp->extra_args, "bind-address").value_or("127.0.0.1")),
            "/healthz", kSchedulerPort, "HTTPS"};
    container["livenessProbe"] = liveness_probe(p);
    container["startupProbe"] = startup_probe(p, in.health_check_timeout);
    container["resources"] = {{"requests", {{"cpu", "100m"}}}};
  } else {
    throw Error(fmt::format("unknown control-plane component \"{}\"", component),
                "use kube-apiserver, kube-controller-manager or kube-scheduler");
  }
  json env = component_env(in, comp->extra_envs, true);
  if (!env.empty()) container["env"] = env;
  return component_pod(in, container, control_plane_mounts(in, component), annotations);
}

}  // namespace kadm::manifests
