// Go's time.Duration text form, which every kubeadm duration field and flag uses ("24h0m0s",
// "4m0s", "500ms", "1.5h").
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace kadm {

using Duration = std::chrono::nanoseconds;

// Parses Go's duration syntax: a sequence of decimal numbers with optional fraction and a unit
// ("ns", "us", "µs", "ms", "s", "m", "h"), optionally signed; "0" alone is allowed. Returns nullopt
// on a syntax error or overflow.
std::optional<Duration> parse_duration(const std::string& text);

// Formats like Go's Duration.String(): "24h0m0s", "1m30s", "500ms", "0s".
std::string format_duration(Duration d);

}  // namespace kadm
