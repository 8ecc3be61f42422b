// The certificate tree kubeadm creates, as data (upstream's certs/certlist.go): which
// certificates exist, their file base names, which CA signs which leaf, and how each one's
// subject, SANs and usages follow from the configuration and the Kubernetes version.
#pragma once

#include <string>
#include <vector>

#include "api/types.h"
#include "pki/cert.h"
#include "pki/key.h"
#include "versions/table.h"

namespace kadm::pki {

struct CertDef {
  const char* name;       // phase and renewal name: "apiserver", "etcd-ca", …
  const char* base_name;  // file base name under the certificate dir: "etcd/ca"
  const char* ca_name;    // name of the signing CA; "" for a CA
  const char* long_name;  // for help texts
  bool etcd;              // part of the local-etcd tree (skipped with external etcd)
};

// Every certificate in upstream's order (ca, apiserver, …, apiserver-etcd-client).
const std::vector<CertDef>& cert_list();
const CertDef* find_cert(const std::string& name);
const CertDef& ca_of(const CertDef& leaf);

// The service-account signing key pair ("sa.key" and "sa.pub").
inline constexpr const char* kServiceAccountBaseName = "sa";

// Everything the certificate specs depend on, taken once from the configuration.
struct PkiInputs {
  std::string node_name;
  std::string advertise_address;
  std::string control_plane_endpoint;
  std::string service_subnet;
  std::string dns_domain;
  std::vector<std::string> apiserver_cert_sans;
  std::vector<std::string> etcd_server_cert_sans;
  std::vector<std::string> etcd_peer_cert_sans;
  bool external_etcd = false;
  KeyAlgorithm algorithm = KeyAlgorithm::kRSA2048;
  std::chrono::seconds validity{0};
  std::chrono::seconds ca_validity{0};
  const versions::Release* release = nullptr;
  TimePoint start;  // kubeadm's start time: the anchor of every validity period
};

PkiInputs pki_inputs(const api::InitConfiguration& init, const api::ClusterConfiguration& cluster,
                     const versions::Release& release);

// The spec of a CA or leaf. `ca` is the signing CA (needed for leaves: before v1.31 a leaf starts
// when its CA starts). Throws kadm::Error for an advertise address or endpoint that is not usable.
CertSpec cert_spec(const CertDef& def, const PkiInputs& in, const Certificate* ca = nullptr);

// The spec of a client certificate (kubeconfig users, `kubeconfig user`).
CertSpec client_spec(const std::string& common_name, const std::vector<std::string>& orgs,
                     const PkiInputs& in, const Certificate& ca);

// The first IP of the service subnet (the `kubernetes` Service VIP); for dual-stack the first
// subnet counts. Throws naming the field when the subnet is unusable.
net::IP apiserver_service_ip(const std::string& service_subnet);

}  // namespace kadm::pki
