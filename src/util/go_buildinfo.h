// The build settings a Go toolchain (1.18 and later) records in the executables it links, as
// `go version -m` shows them, read from the ELF file's .go.buildinfo section. kadm uses them to
// learn a Go program's version from its -X linker flags without starting it: a Go binary the
// size of the kubelet takes 50-150 ms to print its --version.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kadm::gobuild {

// The recorded build setting `key` ("-ldflags", "GOARCH", ...) of the executable `elf` (its
// whole content). nullopt when `elf` is not a 64-bit little-endian ELF file for the machine kadm
// runs on, has no build info in the Go 1.18 format, or does not record `key` (a build with
// -trimpath does not record -ldflags).
std::optional<std::string> build_setting(std::string_view elf, std::string_view key);

// The value that `-X name=value` in the linker flags `ldflags` gives the string variable `name`
// ("example.com/pkg.variable"); the last such flag wins, as in the linker. `name` also matches
// its vendored form ("<path>/vendor/<name>"), which builds in GOPATH mode record. nullopt when no
// flag sets it or `ldflags` does not split (an unterminated quote).
std::optional<std::string> x_flag(std::string_view ldflags, std::string_view name);

}  // namespace kadm::gobuild
