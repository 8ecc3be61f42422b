// libFuzzer target: the reader of Go build info in ELF files (util/go_buildinfo.h), which kadm
// points at whatever executable is called `kubelet` on PATH.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/go_buildinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto ldflags = kadm::gobuild::build_setting(bytes, "-ldflags"))
    (void)kadm::gobuild::x_flag(*ldflags, "k8s.io/component-base/version.gitVersion");
  // The flag splitter and the -X reader on their own, on arbitrary text.
  (void)kadm::gobuild::x_flag(bytes, "main.v");
  return 0;
}
