// Validation with upstream's rules (cmd/kubeadm/app/apis/kubeadm/validation) and a few more:
// overlapping subnets, versions outside the table, extra-argument shapes. Every error names the
// document, the field path, the bad value, the line:column where known, and what is accepted.
#pragma once

#include <string>
#include <vector>

#include "api/decode.h"
#include "util/error.h"

namespace kadm::api {

// All problems found, in document order. Empty when the set is valid.
std::vector<Error> validate(const ConfigSet& set);

// Throws one kadm::Error listing every problem (one per line) when validate() finds any.
void check_valid(const ConfigSet& set);

// Reusable field checks; each returns "" when valid, else the message.
std::string check_dns1123_subdomain(const std::string& value);
std::string check_image_repository(const std::string& value);
std::string check_ca_cert_hash(const std::string& value);
std::string check_cri_socket(const std::string& value);
std::string check_certificate_key(const std::string& value);
std::string check_cert_san(const std::string& value);
std::string check_encryption_algorithm(const std::string& value);

}  // namespace kadm::api
