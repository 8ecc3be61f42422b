// Phases whose implementation is in progress. Each entry is removed when its real file lands;
// until then the phase exists in the tree (so help and --skip-phases are complete) but refuses
// to run, saying so.
#include "phases/init/phases.h"
#include "util/error.h"

namespace kadm::phases {
namespace {
workflow::Phase pending(const char* name, const char* help) {
  workflow::Phase p;
  p.name = name;
  p.short_help = help;
  std::string n = name;
  p.run = [n](workflow::Context&) {
    throw Error("the " + n + " phase is not implemented in this build yet", "", kExitFailure);
  };
  return p;
}
}  // namespace

workflow::Phase etcd_phase() { return pending("etcd", "Generate static Pod manifest file for local etcd"); }
workflow::Phase control_plane_phase() {
  return pending("control-plane", "Generate all static Pod manifest files necessary to establish the control plane");
}
workflow::Phase kubelet_start_phase() {
  return pending("kubelet-start", "Write kubelet settings and (re)start the kubelet");
}

}  // namespace kadm::phases
