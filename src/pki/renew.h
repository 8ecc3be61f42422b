// Certificate renewal and expiration reporting for `kadm certs` (upstream phases/certs/renewal):
// a renewed certificate keeps its subject, SANs and usages, gets a new key of the same
// algorithm, and is signed by the CA on disk with the configured validity.
#pragma once

#include <string>
#include <vector>

#include "pki/cert.h"
#include "pki/certlist.h"
#include "pki/store.h"

namespace kadm::pki {

// The spec that reproduces `existing` with a fresh validity from `in`.
CertSpec renewal_spec(const Certificate& existing, const PkiInputs& in, const Certificate& ca);

// Renews <dir>/<def.base_name>.crt/.key in place with a new key (as upstream's FileRenewer) of the
// configured algorithm, or of the existing key's algorithm when `keep_key_algorithm` (no
// configuration was given, so the defaults do not describe the cluster). Throws naming the file
// if it or its CA (with key) is missing or the certificate was not signed by that CA.
void renew_cert(const CertDef& def, const PkiInputs& in, const std::string& dir,
                bool keep_key_algorithm = false);

// Go's duration.ShortHumanDuration, as `check-expiration` prints residual time.
std::string short_human_duration(std::chrono::seconds d);

}  // namespace kadm::pki
