#include "phases/init/static_pod_io.h"

#include <unistd.h>

#include "host/fs.h"
#include "patches/patches.h"
#include "phases/init/resume.h"
#include "util/log.h"
#include "util/yaml_emit.h"

extern char** environ;

namespace kadm::phases {

manifests::HostView gather_host_view(const std::string& cert_dir) {
  manifests::HostView h;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    h.environ.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  for (const auto& p : manifests::kCACertsExtraPaths)
    if (host::exists(p)) h.existing_paths.insert(p);
  h.external_ca = host::exists(cert_dir + "/ca.crt") && !host::exists(cert_dir + "/ca.key");
  return h;
}

manifests::Input static_pod_input(const InitData& data) {
  manifests::Input in;
  in.cluster = &data.cluster();
  in.endpoint = data.init().local_api_endpoint;
  in.node_name = data.init().node_registration.name;
  if (data.init().timeouts && data.init().timeouts->control_plane_component_health_check)
    in.health_check_timeout = *data.init().timeouts->control_plane_component_health_check;
  in.release = &data.release();
  // The external-CA check reads the real certificates directory, which --dry-run leaves alone.
  in.host = gather_host_view(data.cert_dir);
  return in;
}

void write_static_pod(const InitData& data, const std::string& component, nlohmann::json pod) {
  if (!data.patches_dir.empty()) {
    auto set = patches::load(data.patches_dir, patches::known_targets(data.release().minor));
    for (const auto& line : patches::reading_lines(set)) log::progress("{}", line);
    std::vector<std::string> applied;
    pod = patches::apply(set, component, std::move(pod), patches::Schema::Pod, &applied);
    for (const auto& line : applied) log::progress("{}", line);
  }
  mark_init_state(data);  // a re-run must know this manifest as kadm's (phases/init/resume.h)
  host::write_file_atomic(data.manifest_dir + "/" + component + ".yaml", yaml::emit(pod), 0600);
}

}  // namespace kadm::phases
