// kubeconfig files as client-go's clientcmd writes them (apiVersion v1, kind Config; clusters,
// contexts, users, current-context, preferences; certificate data embedded as base64), and a
// loader that resolves the current context to its server, CA and client credentials.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kadm::kubeconfig {

struct Cluster {
  std::string name;
  std::string server;
  std::string ca_data;  // PEM bytes (certificate-authority-data, decoded)
  std::string ca_file;  // certificate-authority
  bool insecure_skip_tls_verify = false;
};

struct User {
  std::string name;
  std::string client_cert_data;  // PEM bytes
  std::string client_key_data;   // PEM bytes; a secret: never log it
  std::string client_cert_file;
  std::string client_key_file;
  std::string token;  // a secret: never log it
};

struct Context {
  std::string name;
  std::string cluster;
  std::string user;
  std::string ns;
};

struct Config {
  std::vector<Cluster> clusters;
  std::vector<Context> contexts;
  std::vector<User> users;
  std::string current_context;

  const Cluster* find_cluster(const std::string& name) const;
  const Context* find_context(const std::string& name) const;
  const User* find_user(const std::string& name) const;
};

// A kubeconfig with one cluster, one user and one context "<user>@<cluster>", as kubeadm makes
// them (kubeconfigutil.CreateWithCerts / CreateWithToken).
Config with_client_cert(const std::string& server, const std::string& cluster_name,
                        const std::string& user, const std::string& ca_pem,
                        const std::string& key_pem, const std::string& cert_pem);
Config with_token(const std::string& server, const std::string& cluster_name,
                  const std::string& user, const std::string& ca_pem, const std::string& token);

// YAML exactly as clientcmd.Write produces it.
std::string serialize(const Config& config);

// Parses kubeconfig YAML; `file` names the source in errors. Relative certificate file paths are
// resolved against the file's directory, as client-go does.
Config parse(const std::string& yaml, const std::string& file);
// Reads and parses a file; throws naming it when it is missing or malformed.
Config load(const std::string& path);

// The current context with its cluster and user, and the credentials read from files where the
// kubeconfig refers to them.
struct Current {
  Context context;
  Cluster cluster;
  User user;
  std::string ca_pem;    // CA bundle (embedded or read from certificate-authority)
  std::string cert_pem;  // client certificate ("" if none)
  std::string key_pem;   // client key ("" if none); a secret
};
Current current(const Config& config, const std::string& file);

std::string base64_encode(const std::string& data);
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace kadm::kubeconfig
