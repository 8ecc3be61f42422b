// `kadm join` and `kadm join phase …`: flags, the phase list, the run and the final message.
#include <fmt/format.h>

#include <chrono>

#include "phases/join/data.h"
#include "phases/join/phases.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::phases {
namespace {

constexpr const char* kLongHelp =
    R"TXT(When joining a kadm (or kubeadm) initialized cluster, we need to establish
bidirectional trust. This is split into discovery (having the Node
trust the Kubernetes Control Plane) and TLS bootstrap (having the
Kubernetes Control Plane trust the Node).

There are 2 main schemes for discovery. The first is to use a shared
token along with the IP address of the API server. The second is to
provide a file - a subset of the standard kubeconfig file. This file
can be a local file or downloaded via an HTTPS URL. The forms are
kadm join --discovery-token abcdef.1234567890abcdef 1.2.3.4:6443,
kadm join --discovery-file path/to/file.conf, or kadm join
--discovery-file https://url/file.conf. Only one form can be used. If
the discovery information is loaded from a URL, HTTPS must be used.
Also, in that case the host installed CA bundle is used to verify
the connection.

If you use a shared token for discovery, you should also pass the
--discovery-token-ca-cert-hash flag to validate the public key of the
root certificate authority (CA) presented by the Kubernetes Control Plane.
The value of this flag is specified as "<hash-type>:<hex-encoded-value>",
where the supported hash type is "sha256". The hash is calculated over
the bytes of the Subject Public Key Info (SPKI) object (as in RFC7469).
This value is available in the output of "kadm init" or can be
calculated using standard tools. The --discovery-token-ca-cert-hash flag
may be repeated multiple times to allow more than one public key.

If you cannot know the CA public key hash ahead of time, you can pass
the --discovery-token-unsafe-skip-ca-verification flag to disable this
verification. This weakens the kadm security model since other nodes
can potentially impersonate the Kubernetes Control Plane.

The TLS bootstrap mechanism is also driven via a shared token. This is
used to temporarily authenticate with the Kubernetes Control Plane to submit a
certificate signing request (CSR) for a locally created key pair. By
default, kadm will set up the Kubernetes Control Plane to automatically
approve these signing requests. This token is passed in with the
--tls-bootstrap-token abcdef.1234567890abcdef flag.

Often times the same token is used for both parts. In this case, the
--token flag can be used instead of specifying each token individually.

Beyond kubeadm, each way discovery can fail exits with its own code: 10 the
API server cannot be reached, 11 the token is unknown or expired, 12 the
signature of cluster-info does not verify, 13 the CA hash does not match,
3 a malformed token or hash, 14 a bounded wait ran out.)TXT";

void add_join_flags(cli::Command& cmd, JoinOptions& o) {
  cmd.flag(
      "apiserver-advertise-address",
      "If the node should host a new control plane instance, the IP address the API Server will "
      "advertise it's listening on. If not set the default network interface will be used.",
      &o.advertise_address);
  cmd.flag("apiserver-bind-port",
           "If the node should host a new control plane instance, the port for the API Server to "
           "bind to.",
           &o.bind_port, "6443");
  cmd.flag("certificate-key",
           "Use this key to decrypt the certificate secrets uploaded by init. The certificate key "
           "is a hex encoded string that is an AES key of size 32 bytes.",
           &o.certificate_key);
  cmd.flag("config", "Path to a kubeadm configuration file.", &o.config_path);
  cmd.flag("control-plane", "Create a new control plane instance on this node", &o.control_plane);
  cmd.flag("cri-socket",
           "Path to the CRI socket to connect. If empty kadm will try to auto-detect this value; "
           "use this option only if you have more than one CRI installed or if you have "
           "non-standard CRI socket.",
           &o.cri_socket);
  cmd.flag("discovery-file",
           "For file-based discovery, a file or URL from which to load cluster information.",
           &o.discovery_file);
  cmd.flag("discovery-token",
           "For token-based discovery, the token used to validate cluster information fetched from "
           "the API server.",
           &o.discovery_token);
  cmd.flag("discovery-token-ca-cert-hash",
           "For token-based discovery, validate that the root CA public key matches this hash "
           "(format: \"<type>:<value>\").",
           &o.ca_cert_hashes);
  cmd.flag(
      "discovery-token-unsafe-skip-ca-verification",
      "For token-based discovery, allow joining without --discovery-token-ca-cert-hash pinning.",
      &o.unsafe_skip_ca_verification);
  cmd.flag("dry-run", "Don't apply any changes; just output what would be done.", &o.dry_run);
  cmd.flag("ignore-preflight-errors",
           "A list of checks whose errors will be shown as warnings. Example: "
           "'IsPrivilegedUser,Swap'. Value 'all' ignores errors from all checks.",
           &o.ignore_preflight_errors);
  cmd.flag("node-name", "Specify the node name.", &o.node_name);
  cmd.flag(
      "patches",
      "Path to a directory that contains files named \"target[suffix][+patchtype].extension\". For "
      "example, \"kube-apiserver0+merge.yaml\" or just \"etcd.json\". \"target\" can be one of "
      "\"kube-apiserver\", \"kube-controller-manager\", \"kube-scheduler\", \"etcd\", "
      "\"kubeletconfiguration\". \"patchtype\" can be one of \"strategic\", \"merge\" or \"json\" "
      "and they match the patch formats supported by kubectl. The default \"patchtype\" is "
      "\"strategic\". \"extension\" must be either \"json\" or \"yaml\". \"suffix\" is an optional "
      "string that can be used to determine which patches are applied first alpha-numerically.",
      &o.patches);
  auto& exp = cmd.flag("experimental-patches", "Use --patches instead.", &o.experimental_patches);
  exp.deprecated = "use --patches instead";
  cmd.flag("skip-phases", "List of phases to be skipped", &o.skip_phases);
  cmd.flag("tls-bootstrap-token",
           "Specify the token used to temporarily authenticate with the Kubernetes Control Plane "
           "while joining the node.",
           &o.tls_bootstrap_token);
  cmd.flag("token",
           "Use this token for both discovery-token and tls-bootstrap-token when those values are "
           "not provided.",
           &o.token);
}

// Phase commands that discover the cluster take the endpoint as their argument, as `join` does.
void allow_endpoint_argument(cli::Command& cmd) {
  if (cmd.find_flag("discovery-file") || cmd.name == "join") {
    cmd.max_args = 1;
    cmd.usage_args = "[api-server-endpoint]";
  }
  for (auto& c : cmd.children) allow_endpoint_argument(*c);
}

}  // namespace

namespace join {

std::vector<workflow::Phase> join_phases() {
  return {preflight_phase(),          control_plane_prepare_phase(),
          check_etcd_phase(),         kubelet_start_phase(),
          etcd_join_phase(),          kubelet_wait_bootstrap_phase(),
          control_plane_join_phase(), wait_control_plane_phase(),
          tls_bootstrap_phase()};
}

void print_join_done(JoinData& d) {
  std::FILE* out = log::progress_stream();
  if (d.dry_run) {
    std::fputs(
        "[dryrun] Finished dry-running successfully. Above are the resources that would be "
        "created.\n",
        out);
    return;
  }
  if (!d.control_plane()) {
    std::fputs(
        "\nThis node has joined the cluster:\n"
        "* Certificate signing request was sent to apiserver and a response was received.\n"
        "* The Kubelet was informed of the new secure connection details.\n\n"
        "Run 'kubectl get nodes' on the control-plane to see this node join the cluster.\n\n",
        out);
    std::fflush(out);
    return;
  }
  std::string etcd = d.cluster().etcd.external
                         ? ""
                         : "* A new etcd member was added to the local/stacked etcd cluster.";
  std::string text = fmt::format(
      "\nThis node has joined the cluster and a new control plane instance was created:\n\n"
      "* Certificate signing request was sent to apiserver and approval was received.\n"
      "* The Kubelet was informed of the new secure connection details.\n"
      "* Control plane {}label and taint were applied to the new node.\n"
      "* The Kubernetes control plane instances scaled up.\n"
      "{}\n\n"
      "To start administering your cluster from this node, you need to run the following as a "
      "regular user:\n\n"
      "\tmkdir -p $HOME/.kube\n"
      "\tsudo cp -i {} $HOME/.kube/config\n"
      "\tsudo chown $(id -u):$(id -g) $HOME/.kube/config\n\n"
      "Run 'kubectl get nodes' to see this node join the cluster.\n\n",
      d.release().join_done_master_wording ? "(master) " : "", etcd, d.paths.admin_kubeconfig());
  std::fputs(text.c_str(), out);
  std::fflush(out);
}

}  // namespace join

void add_join_command(cli::Command& root) {
  JoinOptions& o = join_options();
  auto& cmd = root.add("join", "Run this on any machine you wish to join an existing cluster");
  cmd.long_help = kLongHelp;
  cmd.usage_args = "[api-server-endpoint]";
  cmd.max_args = 1;
  add_join_flags(cmd, o);
  auto wf = std::make_shared<workflow::Workflow>();
  wf->phases = join::join_phases();
  wf->factory = [](const cli::Invocation& inv) -> std::unique_ptr<workflow::Data> {
    return std::make_unique<JoinData>(inv);
  };
  workflow::attach(cmd, wf, &o.skip_phases);
  allow_endpoint_argument(cmd);
  cmd.run = [wf](cli::Invocation& inv) {
    auto start = std::chrono::steady_clock::now();
    workflow::Context ctx(inv, wf->factory);
    auto& data = ctx.data<JoinData>();
    std::vector<std::string> skip =
        join_options().skip_phases.empty() ? data.cfg.skip_phases : join_options().skip_phases;
    // The kadm-only tls-bootstrap phase runs only as `kadm join phase tls-bootstrap`.
    workflow::run_all(*wf, ctx, skip);
    join::print_join_done(data);
    auto ms = [](Duration x) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(x).count();
    };
    Duration total = std::chrono::steady_clock::now() - start;
    log::v(
        1,
        "[join] done in {}ms: {}ms waiting for the cluster and the kubelet, {}ms kadm's own work",
        ms(total), ms(data.waited), ms(total - data.waited));
    return 0;
  };
}

}  // namespace kadm::phases
