// Loading kadm's modules (kadm-cluster.so, kadm-http.so, kadm-cri.so) with dlopen. A module
// carries the heavy libraries only some commands need, so that the others start without them.
#pragma once

#include <string>

namespace kadm {

// kadm's modules (src/modules/), by file name.
inline constexpr const char* kClusterModule = "kadm-cluster.so";  // commands that need libcrypto
inline constexpr const char* kHttpModule = "kadm-http.so";        // HTTPS transport
inline constexpr const char* kCriModule = "kadm-cri.so";          // CRI client on gRPC

// Where a module is looked for: next to the binary (build tree, tarball), then
// <binary dir>/../lib/kadm (installed). Returns the first that exists, or "".
std::string find_module(const std::string& name);

// dlopen()s the module (once) and returns the address of `symbol`, or nullptr with `error` saying
// which file was missing, could not be loaded or lacks the symbol. The handle is never closed:
// modules start threads (gRPC) that must outlive every caller.
void* load_module_symbol(const std::string& name, const char* symbol, std::string* error);

// Loads every module beside the binary now, for a process about to chroot (--rootfs): after it,
// the binary's directory may not exist. load_module_symbol then uses these handles.
void load_all_modules();

}  // namespace kadm
