// Whether Go's net/http would send a request through a proxy (golang.org/x/net/http/httpproxy
// FromEnvironment): HTTPS_PROXY / HTTP_PROXY (upper case first), NO_PROXY entries as "*", IP
// addresses, CIDRs and domain suffixes; loopback destinations never use a proxy.
#pragma once

#include <string>

namespace kadm::host {
class Machine;
}

namespace kadm::preflight {

// The proxy URL a request to proto://host would use, or "".
std::string proxy_for(host::Machine& m, const std::string& proto, const std::string& host);

}  // namespace kadm::preflight
