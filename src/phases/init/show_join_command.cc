// The end of init: the success banner with the join commands (upstream's show-join-command), or
// with -o json|yaml one document with everything automation needs.
#include <fmt/format.h>

#include <cstdio>

#include "kubeconfig/kubeconfig.h"
#include "phases/init/data.h"
#include "phases/init/phases.h"
#include "pki/cert.h"
#include "util/log.h"
#include "util/yaml_emit.h"

namespace kadm::phases {

JoinInfo join_info(InitData& d) {
  JoinInfo j;
  auto cfg = kubeconfig::load(d.admin_kubeconfig());
  auto cur = kubeconfig::current(cfg, d.admin_kubeconfig());
  j.endpoint = cur.cluster.server.substr(cur.cluster.server.rfind("://") == std::string::npos ? 0 : cur.cluster.server.find("://") + 3);
  for (const auto& c : pki::parse_certificates(cur.ca_pem, d.admin_kubeconfig())) j.ca_cert_hashes.push_back(pki::spki_hash(c));
  if (!d.init().bootstrap_tokens.empty()) j.token = d.init().bootstrap_tokens.front().token;
  j.certificate_key = d.init().certificate_key;
  j.control_plane_endpoint_set = !d.cluster().control_plane_endpoint.empty();
  return j;
}

std::string join_command(const JoinInfo& j, bool control_plane, bool with_key, bool withhold_token, bool withhold_key) {
  std::string out = fmt::format("kadm join {} --token {} \\\n", j.endpoint, withhold_token ? "<value withheld>" : j.token);
  for (size_t i = 0; i < j.ca_cert_hashes.size(); ++i) {
    out += fmt::format("\t--discovery-token-ca-cert-hash {} ", j.ca_cert_hashes[i]);
    if (i + 1 < j.ca_cert_hashes.size() || control_plane) out += "\\\n";
  }
  if (control_plane) {
    out += "\t--control-plane ";
    if (with_key) out += fmt::format("--certificate-key {}", withhold_key ? "<value withheld>" : j.certificate_key);
  }
  return out;
}

void print_join_banner(InitData& d) {
  if (d.dry_run) {
    log::progress("[dryrun] Finished dry-running successfully. Above are the resources that would be created.");
    return;
  }
  JoinInfo j = join_info(d);
  std::string admin = d.admin_kubeconfig();
  if (!d.output.empty()) {
    // Machine-readable result on stdout; everything else went to stderr.
    nlohmann::json doc;
    doc["apiVersion"] = "output.kadm.io/v1";
    doc["kind"] = "InitResult";
    doc["kubernetesVersion"] = d.version().str();
    doc["apiServerEndpoint"] = j.endpoint;
    doc["token"] = j.token;
    doc["caCertHashes"] = j.ca_cert_hashes;
    doc["adminKubeconfig"] = admin;
    std::string worker = join_command(j, false, false, false, false);
    auto one_line = [](std::string s) {
      std::string out;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\n') {
          i += 1;
          while (i + 1 < s.size() && s[i + 1] == '\t') ++i;
          continue;
        }
        out += s[i];
      }
      while (!out.empty() && out.back() == ' ') out.pop_back();
      return out;
    };
    doc["joinCommand"] = one_line(worker);
    if (j.control_plane_endpoint_set) {
      doc["controlPlaneJoinCommand"] = one_line(join_command(j, true, d.upload_certs, false, false));
      if (d.upload_certs) doc["certificateKey"] = j.certificate_key;
    }
    std::string text = d.output == "json" ? doc.dump(2) + "\n" : yaml::emit(doc);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  std::string banner = fmt::format(R"TXT(
Your Kubernetes control-plane has initialized successfully!

To start using your cluster, you need to run the following as a regular user:

  mkdir -p $HOME/.kube
  sudo cp -i {0} $HOME/.kube/config
  sudo chown $(id -u):$(id -g) $HOME/.kube/config

Alternatively, if you are the root user, you can run:

  export KUBECONFIG={0}

You should now deploy a pod network to the cluster.
Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:
  https://kubernetes.io/docs/concepts/cluster-administration/addons/
)TXT",
                                   admin);
  if (j.control_plane_endpoint_set) {
    if (d.upload_certs) {
      banner += "\nYou can now join any number of the control-plane node running the following command on each as root:\n\n  ";
      banner += join_command(j, true, true, d.skip_token_print, d.skip_certificate_key_print);
      banner += "\n\nPlease note that the certificate-key gives access to cluster sensitive data, keep it secret!\n"
                "As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use\n"
                "\"kadm init phase upload-certs --upload-certs\" to reload certs afterward.\n";
    } else {
      banner += "\nYou can now join any number of control-plane nodes by copying certificate authorities\n"
                "and service account keys on each node and then running the following as root:\n\n  ";
      banner += join_command(j, true, false, d.skip_token_print, true);
      banner += "\n";
    }
  }
  banner += "\nThen you can join any number of worker nodes by running the following on each as root:\n\n";
  banner += join_command(j, false, false, d.skip_token_print, true) + "\n";
  std::fwrite(banner.data(), 1, banner.size(), log::progress_stream());
  std::fflush(log::progress_stream());
}

workflow::Phase show_join_command_phase() {
  workflow::Phase p;
  p.name = "show-join-command";
  p.short_help = "Show the join command for control-plane and worker node";
  p.inherit_flags = {"config", "kubeconfig", "skip-token-print", "skip-certificate-key-print", "upload-certs", "dry-run"};
  p.run = [](workflow::Context& ctx) { print_join_banner(ctx.data<InitData>()); };
  return p;
}

}  // namespace kadm::phases
