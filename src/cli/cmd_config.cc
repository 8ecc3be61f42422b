// kadm config print|migrate|validate|images list|images pull
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "api/bootstrap_token.h"
#include "api/defaults.h"
#include "api/encode.h"
#include "api/print_defaults.h"
#include "api/validate.h"
#include "cli/config_flags.h"
#include "cli/images_pull.h"
#include "cli/root.h"
#include "componentconfigs/kube_proxy.h"
#include "componentconfigs/kubelet.h"
#include "host/kubelet.h"
#include "host/fs.h"
#include "host/system.h"
#include "images/images.h"
#include "util/error.h"
#include "util/log.h"
#include "util/yaml_emit.h"
#include "versions/table.h"

namespace kadm::cli {
namespace {

struct PrintOptions {
  std::string component_configs;
  std::string kubernetes_version;
  std::string api_version = "v1beta4";
};

const versions::Release& release_from_flag(const std::string& text) {
  if (text.empty()) return versions::newest_release();
  return versions::release_for(versions::resolve_version(text));
}

// The KubeletConfiguration and KubeProxyConfiguration kubeadm of release `r` generates from the
// printed defaults, in the order the flag names them.
std::vector<nlohmann::json> component_config_documents(const std::string& list,
                                                       const api::ConfigSet& set,
                                                       const versions::Release& r) {
  std::vector<nlohmann::json> docs;
  if (list.empty()) return docs;
  api::ClusterConfiguration cluster;
  if (set.cluster) {
    cluster = *set.cluster;
  } else {
    cluster = *api::print_init_defaults(r, host::hostname()).cluster;  // join: the default cluster
  }
  std::string advertise = set.init ? set.init->local_api_endpoint.advertise_address : "";
  std::stringstream ss(list);
  std::string name;
  std::vector<std::string> warnings;
  while (std::getline(ss, name, ',')) {
    if (name == "KubeletConfiguration") {
      componentconfigs::KubeletHostFacts facts;
      facts.systemd_resolved_active = host::service_active("systemd-resolved");
      if (r.kubelet_detect_docker_cgroup_driver) {
        std::string warning;
        facts.docker_cgroup_driver = host::docker_cgroup_driver(&warning);
        if (!warning.empty()) log::warning(warning);
      }
      docs.push_back(componentconfigs::kubelet_config(std::nullopt, cluster, r, facts, &warnings));
    } else if (name == "KubeProxyConfiguration") {
      docs.push_back(
          componentconfigs::kube_proxy_config(std::nullopt, cluster, advertise, r, &warnings));
    } else {
      throw Error("--component-configs needs to contain some of [KubeProxyConfiguration "
                  "KubeletConfiguration]",
                  fmt::format("\"{}\" is not a component config kadm knows", name), kExitUsage);
    }
  }
  for (const auto& w : warnings) log::warning(w);
  return docs;
}

void add_print(Command& config) {
  auto& print = config.add("print", "Print configuration");
  print.long_help = "This command prints configurations for subcommands provided.\n"
                    "For details, see: https://pkg.go.dev/k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm#section-directories";
  static PrintOptions opts;
  auto add_common = [](Command& c) {
    c.flag("component-configs",
           "A comma-separated list for component config API objects to print the default values for. "
           "Available values: [KubeProxyConfiguration KubeletConfiguration]. If this flag is not set, no "
           "component configs will be printed.",
           &opts.component_configs);
    c.flag("kubernetes-version",
           "[kadm] Print the defaults of this Kubernetes version (v1.20 to v1.36); defaults to the newest.",
           &opts.kubernetes_version);
    c.flag("api-version", "[kadm] The kubeadm.k8s.io version to print: v1beta4, v1beta3 or v1beta2.",
           &opts.api_version, "v1beta4");
  };
  struct Kind {
    const char* name;
    const char* help;
  };
  auto& init = print.add("init-defaults", "Print default init configuration, that can be used for 'kadm init'");
  init.long_help = "This command prints objects such as the default init configuration that is used for 'kadm init'.\n\n"
                   "Note that sensitive values like the Bootstrap Token fields are replaced with placeholder values like "
                   "\"abcdef.0123456789abcdef\" in order to pass validation but\nnot perform the real computation for creating a token.";
  add_common(init);
  init.run = [](Invocation&) {
    const auto& r = release_from_flag(opts.kubernetes_version);
    auto schema = parse_output_schema(opts.api_version);
    auto set = api::print_init_defaults(r, host::hostname());
    auto docs = api::print_documents(set, schema);
    for (auto& d : component_config_documents(opts.component_configs, set, r)) docs.push_back(d);
    std::cout << yaml::emit_documents(docs);
    return 0;
  };
  auto& join = print.add("join-defaults", "Print default join configuration, that can be used for 'kadm join'");
  join.long_help = "This command prints objects such as the default join configuration that is used for 'kadm join'.\n\n"
                   "Note that sensitive values like the Bootstrap Token fields are replaced with placeholder values like "
                   "\"abcdef.0123456789abcdef\" in order to pass validation but\nnot perform the real computation for creating a token.";
  add_common(join);
  join.run = [](Invocation&) {
    const auto& r = release_from_flag(opts.kubernetes_version);
    auto schema = parse_output_schema(opts.api_version);
    auto set = api::print_join_defaults(r, host::hostname());
    auto docs = api::print_documents(set, schema);
    for (auto& d : component_config_documents(opts.component_configs, set, r)) docs.push_back(d);
    std::cout << yaml::emit_documents(docs);
    return 0;
  };
  auto& reset = print.add("reset-defaults", "Print default reset configuration, that can be used for 'kadm reset'");
  reset.long_help = "This command prints objects such as the default reset configuration that is used for 'kadm reset'.";
  add_common(reset);
  reset.run = [](Invocation&) {
    const auto& r = release_from_flag(opts.kubernetes_version);
    auto schema = parse_output_schema(opts.api_version);
    if (schema != api::Schema::V1beta4)
      throw Error("ResetConfiguration exists only in kubeadm.k8s.io/v1beta4", "use --api-version v1beta4", kExitUsage);
    api::ResetConfiguration c;
    api::set_defaults(c, r);
    std::cout << yaml::emit(api::encode_reset(c, schema));
    return 0;
  };
  auto& upgrade = print.add("upgrade-defaults", "Print default upgrade configuration, that can be used for 'kadm upgrade'");
  upgrade.long_help = "This command prints objects such as the default upgrade configuration that is used for 'kadm upgrade'.";
  add_common(upgrade);
  upgrade.run = [](Invocation&) {
    const auto& r = release_from_flag(opts.kubernetes_version);
    auto schema = parse_output_schema(opts.api_version);
    if (schema != api::Schema::V1beta4)
      throw Error("UpgradeConfiguration exists only in kubeadm.k8s.io/v1beta4", "use --api-version v1beta4", kExitUsage);
    api::UpgradeConfiguration c;
    api::set_defaults(c, r);
    std::cout << yaml::emit(api::encode_upgrade(c, schema));
    return 0;
  };
}

struct MigrateOptions {
  std::string old_config;
  std::string new_config;
  std::string api_version = "v1beta4";
  bool allow_experimental_api = false;
};

void add_migrate(Command& config) {
  static MigrateOptions opts;
  auto& cmd = config.add("migrate", "Read an older version of the kubeadm configuration API types from a file, and output the similar config object for the newer version");
  cmd.long_help = R"TXT(This command lets you convert configuration objects of older versions to the latest supported version,
locally in the CLI tool without ever touching anything in the cluster.
In this version of kadm, the following API versions are supported:
- kubeadm.k8s.io/v1beta4 (written by default; v1beta3 or v1beta2 with --api-version)
- kubeadm.k8s.io/v1beta3, v1beta2, v1beta1, v1alpha3 and v1alpha2 (read)

Unlike kubeadm, which only migrates from the previous version, kadm converts any of them in one step.
The conversion is faithful: no defaults are added, and every field that has no place in the target
version is reported on stderr instead of being dropped silently.

If --new-config is not given, the new configuration is written to stdout.)TXT";
  cmd.flag("old-config", "Path to the kubeadm config file that is using an old API version and should be converted. This flag is mandatory.", &opts.old_config);
  cmd.flag("new-config", "Path to the resulting equivalent kubeadm config file using the new API version. Optional, if not specified output will be sent to STDOUT.", &opts.new_config);
  cmd.flag("allow-experimental-api", "Allow migration to experimental, unreleased APIs.", &opts.allow_experimental_api);
  cmd.flag("api-version", "[kadm] The kubeadm.k8s.io version to write: v1beta4, v1beta3 or v1beta2.", &opts.api_version, "v1beta4");
  cmd.run = [](Invocation&) {
    if (opts.old_config.empty())
      throw Error("the --old-config flag is mandatory", "pass the file to convert with --old-config", kExitUsage);
    auto schema = parse_output_schema(opts.api_version);
    auto set = load_config_or_throw(opts.old_config);
    for (const auto& o : set.origins) {
      std::string from = o.schema ? api::api_version(*o.schema) : "";
      if (!from.empty())
        log::v(1, "converting {} from {} to {}", o.label, from, api::api_version(schema));
    }
    if (set.cluster && !set.cluster->kubernetes_version.empty()) {
      try {
        auto v = versions::resolve_version(set.cluster->kubernetes_version);
        if (!versions::supported(v))
          log::warning(fmt::format("{}: kubernetesVersion {} is outside kadm's supported range ({}); "
                                   "set a supported version before running kadm init",
                                   opts.old_config, v.str(), versions::supported_range()));
      } catch (const Error&) {
      }
    }
    api::EncodeReport report;
    auto docs = api::encode_set(set, schema, &report);
    for (const auto& lost : report.lost) log::warning(fmt::format("{}: not migrated: {}", opts.old_config, lost));
    if (docs.empty()) {
      throw Error(fmt::format("{} holds nothing that {} can express", opts.old_config, api::api_version(schema)),
                  "ResetConfiguration and UpgradeConfiguration exist only in kubeadm.k8s.io/v1beta4", kExitConfig);
    }
    std::string text = yaml::emit_documents(docs);
    if (opts.new_config.empty()) {
      std::cout << text;
    } else {
      host::write_file_atomic(opts.new_config, text, 0600);
    }
    return 0;
  };
}

void add_validate(Command& config) {
  static std::string cfg;
  static bool allow_experimental = false;
  auto& cmd = config.add("validate", "Read a file containing the kubeadm configuration API and report any validation problems");
  cmd.long_help = R"TXT(This command lets you validate a kubeadm configuration API file and report any warnings and errors.
If there are no errors the exit status will be zero, otherwise it will be non-zero.
Any unmarshaling problems such as unknown API fields will trigger errors. Unknown API versions and
fields with invalid values will also trigger errors. Any other errors or warnings may be reported
depending on contents of the input file.

In this version of kadm, the following API versions are supported:
- kubeadm.k8s.io/v1beta4, v1beta3, v1beta2, v1beta1, v1alpha3, v1alpha2)TXT";
  cmd.flag("config", "Path to a kubeadm configuration file.", &cfg);
  cmd.flag("allow-experimental-api", "Allow validation of experimental, unreleased APIs.", &allow_experimental);
  cmd.run = [](Invocation&) {
    if (cfg.empty()) throw Error("the --config flag is mandatory", "pass the file to check with --config", kExitUsage);
    auto set = load_config_or_throw(cfg, /*strict=*/true);
    api::check_valid(set);
    api::set_defaults(set);
    api::check_valid(set);
    std::cout << "ok\n";
    return 0;
  };
}

struct ImagesOptions {
  std::string config;
  std::string kubernetes_version;
  std::string image_repository;
  std::string feature_gates;
  std::string cri_socket;
  std::string output = "text";
  bool allow_missing_template_keys = true;
};

// The ClusterConfiguration images commands act on: --config or defaults, then the flags.
// `node`, when given, receives the file's node registration as written (before defaulting).
api::ClusterConfiguration images_cluster(const Invocation& inv, const ImagesOptions& o,
                                         api::NodeRegistrationOptions* node = nullptr) {
  check_config_mixing(inv, {"cri-socket"});
  api::ConfigSet set;
  if (!o.config.empty()) {
    set = load_config_or_throw(o.config);
  }
  if (node && set.init) *node = set.init->node_registration;
  else if (node && set.join) *node = set.join->node_registration;
  if (!set.cluster) set.cluster = api::ClusterConfiguration{};
  auto& c = *set.cluster;
  if (!o.kubernetes_version.empty()) c.kubernetes_version = o.kubernetes_version;
  if (!o.image_repository.empty()) c.image_repository = o.image_repository;
  for (auto& [k, v] : parse_feature_gates(o.feature_gates)) c.feature_gates[k] = v;
  api::set_defaults(set);
  api::check_valid(set);
  c.kubernetes_version = versions::resolve_version(c.kubernetes_version).str();
  versions::release_for(versions::resolve_version(c.kubernetes_version));
  return c;
}

void add_images(Command& config) {
  auto& images = config.add("images", "Interact with container images used by kadm");
  images.long_help = "Interact with container images used by kadm";
  static ImagesOptions opts;
  auto& list = images.add("list", "Print a list of images kadm will use. The configuration file is used in case any images or image repositories are customized");
  list.flag("config", "Path to a kubeadm configuration file.", &opts.config);
  list.flag("kubernetes-version", "Choose a specific Kubernetes version for the control plane.", &opts.kubernetes_version, "stable-1");
  list.flag("image-repository", "Choose a container registry to pull control plane images from", &opts.image_repository, "registry.k8s.io");
  list.flag("feature-gates", "A set of key=value pairs that describe feature gates for various features.", &opts.feature_gates);
  list.flag(Flag{"output", 'o', "Output format. One of: text|json|yaml.", &opts.output, "text"});
  list.flag("allow-missing-template-keys", "If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.", &opts.allow_missing_template_keys);
  list.run = [](Invocation& inv) {
    auto c = images_cluster(inv, opts);
    auto names = images::control_plane_images(c);
    if (opts.output == "text") {
      for (const auto& n : names) std::cout << n << "\n";
      return 0;
    }
    nlohmann::ordered_json doc;
    doc["kind"] = "Images";
    doc["apiVersion"] = "output.kubeadm.k8s.io/v1alpha3";
    doc["images"] = names;
    if (opts.output == "json") {
      std::cout << doc.dump(4) << "\n";
    } else if (opts.output == "yaml") {
      std::cout << yaml::emit(nlohmann::json::parse(doc.dump()));
    } else {
      throw Error(fmt::format("unable to match a printer suitable for the output format \"{}\"", opts.output),
                  "allowed formats are: text, json, yaml", kExitUsage);
    }
    return 0;
  };

  auto& pull = images.add("pull", "Pull images used by kadm");
  pull.long_help = "Pull images used by kadm through the container runtime's CRI socket, in parallel unless "
                   "nodeRegistration.imagePullSerial is true";
  pull.flag("config", "Path to a kubeadm configuration file.", &opts.config);
  pull.flag("cri-socket", "Path to the CRI socket to connect. If empty kadm will try to auto-detect this value; use this option only if you have more than one CRI installed or if you have non-standard CRI socket.", &opts.cri_socket);
  pull.flag("feature-gates", "A set of key=value pairs that describe feature gates for various features.", &opts.feature_gates);
  pull.flag("image-repository", "Choose a container registry to pull control plane images from", &opts.image_repository, "registry.k8s.io");
  pull.flag("kubernetes-version", "Choose a specific Kubernetes version for the control plane.", &opts.kubernetes_version, "stable-1");
  pull.run = [](Invocation& inv) {
    api::NodeRegistrationOptions node;
    auto c = images_cluster(inv, opts, &node);
    return pull_control_plane_images(c, node, opts.cri_socket);
  };
}

}  // namespace

void add_config_commands(Command& root) {
  auto& config = root.add("config", "Manage configuration for a kadm cluster persisted in a ConfigMap in the cluster");
  config.long_help = R"TXT(There is a ConfigMap in the kube-system namespace called "kubeadm-config"
that kadm uses to store internal configuration about the
cluster. kadm CLI v1.8.0+ automatically creates this
ConfigMap with the config used with 'kadm init'.

Configuration files of every kubeadm version since v1.11 (kubeadm.k8s.io/v1alpha2 to v1beta4)
are read, migrated and validated locally, without touching a cluster.)TXT";
  static std::string kubeconfig = "/etc/kubernetes/admin.conf";
  config.flag("kubeconfig", "The kubeconfig file to use when talking to the cluster. If the flag is not set, a set of standard locations can be searched for an existing kubeconfig file.", &kubeconfig, "/etc/kubernetes/admin.conf");
  add_images(config);
  add_migrate(config);
  add_print(config);
  add_validate(config);
}

}  // namespace kadm::cli
