// kadm version [-o short|json|yaml]
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/help.h"
#include "cli/root.h"
#include "util/error.h"
#include "util/yaml_emit.h"
#include "versions/table.h"

#ifndef KADM_GIT_COMMIT
#define KADM_GIT_COMMIT ""
#endif

namespace kadm::cli {

namespace {
struct VersionOptions {
  std::string output;
};

// kubeadm prints version.Info; kadm fills it with the newest Kubernetes version it deploys by
// default (what `kubeadm version` of that release would say) and adds its own version.
nlohmann::ordered_json info() {
  auto v = versions::default_kubernetes_version();
  nlohmann::ordered_json j;
  j["major"] = std::to_string(v.major);
  j["minor"] = std::to_string(v.minor);
  j["gitVersion"] = v.str();
  j["gitCommit"] = KADM_GIT_COMMIT;
  j["gitTreeState"] = "clean";
  j["buildDate"] = "";
  j["goVersion"] = "";
  j["compiler"] = fmt::format("gcc {}.{}", __GNUC__, __GNUC_MINOR__);
  j["platform"] = "linux/amd64";
  j["kadmVersion"] = KADM_VERSION;
  j["supportedKubernetesVersions"] = versions::supported_range();
  return j;
}
}  // namespace

void add_version_command(Command& root) {
  static VersionOptions opts;
  auto& cmd = root.add("version", "Print the version of kadm");
  cmd.flag(Flag{"output", 'o', "Output format; available options are 'yaml', 'json' and 'short'", &opts.output});
  cmd.run = [](Invocation&) {
    auto j = info();
    if (opts.output.empty()) {
      std::cout << fmt::format(
          "kadm version: &version.Info{{Major:\"{}\", Minor:\"{}\", GitVersion:\"{}\", "
          "GitCommit:\"{}\", GitTreeState:\"{}\", BuildDate:\"{}\", GoVersion:\"{}\", "
          "Compiler:\"{}\", Platform:\"{}\"}} (kadm {}, Kubernetes {})\n",
          j["major"].get<std::string>(), j["minor"].get<std::string>(),
          j["gitVersion"].get<std::string>(), j["gitCommit"].get<std::string>(),
          j["gitTreeState"].get<std::string>(), j["buildDate"].get<std::string>(),
          j["goVersion"].get<std::string>(), j["compiler"].get<std::string>(),
          j["platform"].get<std::string>(), KADM_VERSION, versions::supported_range());
    } else if (opts.output == "short") {
      std::cout << j["gitVersion"].get<std::string>() << "\n";
    } else if (opts.output == "json") {
      nlohmann::ordered_json out;
      out["clientVersion"] = j;
      std::cout << out.dump(2) << "\n";
    } else if (opts.output == "yaml") {
      nlohmann::json out;
      out["clientVersion"] = nlohmann::json::parse(j.dump());
      std::cout << yaml::emit(out);
    } else {
      throw Error(fmt::format("invalid output format: {}", opts.output),
                  "use -o short, -o json or -o yaml", kExitUsage);
    }
    return 0;
  };
}

void add_completion_command(Command& root) {
  auto& cmd = root.add("completion", "Output shell completion code for the specified shell (bash or zsh)");
  cmd.long_help = R"TXT(Output shell completion code for the specified shell (bash or zsh).
The shell code must be evaluated to provide interactive
completion of kadm commands. This can be done by sourcing it from
the .bash_profile.)TXT";
  cmd.example = R"TXT(
# Load the kadm completion code for bash into the current shell
source <(kadm completion bash)

# Load the kadm completion code for zsh into the current shell
source <(kadm completion zsh))TXT";
  cmd.usage_args = "SHELL";
  cmd.min_args = 1;
  cmd.max_args = 1;
  Command* root_ptr = &root;
  cmd.run = [root_ptr](Invocation& inv) {
    const std::string& shell = inv.args()[0];
    if (shell == "bash") std::cout << render_bash_completion(*root_ptr);
    else if (shell == "zsh") std::cout << render_zsh_completion(*root_ptr);
    else
      throw Error(fmt::format("unsupported shell type \"{}\"", shell), "use bash or zsh", kExitUsage);
    return 0;
  };
}

}  // namespace kadm::cli
