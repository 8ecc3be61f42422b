// File-system effects. Every write is atomic: a temporary file in the same directory, fsync,
// then rename, so a crash or a failed run never leaves a half-written file behind.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace kadm::host {

// Writes `content` to `path` atomically with `mode` (keys and kubeconfigs 0600). Creates missing
// parent directories (0755). Throws kadm::Error naming the file and the reason.
void write_file_atomic(const std::string& path, const std::string& content, mode_t mode);

// Reads a whole file; nullopt if it does not exist. Throws kadm::Error on other failures.
std::optional<std::string> read_file(const std::string& path);

bool exists(const std::string& path);
void make_dirs(const std::string& path, mode_t mode = 0755);

}  // namespace kadm::host
