// Shared by token and file discovery (internal): the request/retry arithmetic and wording.
#pragma once

#include <string>

#include "discovery/discovery.h"

namespace kadm::discovery::detail {

using Clock = std::chrono::steady_clock;

// Upstream wraps every discovery failure in this sentence; kadm keeps it so that searches for
// the upstream message still find the right advice.
extern const char* const kPrefix;

kube::Ref cluster_info_ref();
// A duration rounded to whole seconds, in Go's form ("15s", "5m0s").
std::string seconds_text(Duration d);
Options with_defaults(Options o);
// JitterUntil(interval, 0.3, sliding): the next attempt starts interval..1.3×interval after the
// previous one ended.
Duration jittered(Duration interval);
// The timeout of one request: what is left of the discovery timeout, at most 10 s.
Duration clamp_request(Duration remaining);
// "connection refused or host unreachable (Connection)".
std::string transport_text(const kube::Status& s);
// The discovery file carries credentials of its own (a client certificate or a token).
bool has_credentials(const kubeconfig::User& u);

}  // namespace kadm::discovery::detail
