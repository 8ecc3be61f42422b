// Kubernetes semantic versions ("v1.20.2", "v1.31.0-rc.1") and the labels kubeadm accepts for
// kubernetesVersion ("stable", "stable-1", "stable-1.24", "latest-1.28").
#pragma once

#include <optional>
#include <string>

namespace kadm::versions {

struct Version {
  int major = 0;
  int minor = 0;
  int patch = 0;
  std::string pre;    // "rc.1", "alpha.0", or empty for a release
  std::string build;  // "+build" metadata without the plus, kept for image tags

  // "v1.20.2" (always with the leading v, as kubeadm prints it).
  std::string str() const;
  // "v1.20"
  std::string minor_str() const;
  auto operator<=>(const Version& o) const {
    if (auto c = major <=> o.major; c != 0) return c;
    if (auto c = minor <=> o.minor; c != 0) return c;
    if (auto c = patch <=> o.patch; c != 0) return c;
    // A release sorts after its pre-releases.
    if (pre.empty() != o.pre.empty()) return pre.empty() ? std::strong_ordering::greater
                                                         : std::strong_ordering::less;
    return pre <=> o.pre;
  }
  bool operator==(const Version& o) const { return major == o.major && minor == o.minor && patch == o.patch && pre == o.pre; }
};

// Accepts "v1.20.2", "1.20.2", "v1.20.2-rc.1", "v1.20.2+build". Not labels.
std::optional<Version> parse_version(const std::string& text);

}  // namespace kadm::versions
