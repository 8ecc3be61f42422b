// Helpers shared by the PKI and kubeconfig unit tests.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "api/types.h"
#include "pki/certlist.h"
#include "versions/table.h"

namespace kadm::pki::testing {

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "kadm-pki-test-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// Inputs as `kadm init` derives them for a node "node-a" advertising 10.1.2.3,
// Kubernetes 1.<minor>.
inline PkiInputs inputs(int minor, KeyAlgorithm algo = KeyAlgorithm::kECDSAP256) {
  PkiInputs in;
  in.node_name = "node-a";
  in.advertise_address = "10.1.2.3";
  in.service_subnet = "10.96.0.0/12";
  in.dns_domain = "cluster.local";
  in.algorithm = algo;
  in.validity = std::chrono::hours(24 * 365);
  in.ca_validity = std::chrono::hours(24 * 365 * 10);
  in.release = versions::find_release(minor);
  in.start = now_seconds();
  return in;
}

}  // namespace kadm::pki::testing
