// The individual preflight checks, each named and worded as upstream's (cmd/kubeadm/app/preflight
// checks.go, checks_linux.go, checks_unix.go and the system validators). Builders return data;
// preflight/node_checks.h decides which run for a command and a release.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/types.h"
#include "preflight/check.h"

namespace kadm::preflight {

// "FileAvailable-" + path with '/' → '-', as upstream derives names from paths.
std::string path_label(const std::string& prefix, const std::string& path);

Check is_privileged_user();
Check num_cpu(int minimum);
Check mem(uint64_t minimum_mb);
// Warning when the target is newer than the newest minor this kadm knows.
Check kubernetes_version(const std::string& kubernetes_version);
Check firewalld(const std::vector<int>& ports);
Check port_open(int port);
Check file_available(const std::string& path, const std::string& label = {});
Check file_existing(const std::string& path, const std::string& label = {});
Check dir_available(const std::string& path, const std::string& label = {});
Check file_content(const std::string& path, const std::string& content, const std::string& label = {});
Check in_path(const std::string& executable, bool mandatory, const std::string& suggestion = {});
// `validate_name`: newer releases also warn about node names that are not qualified names.
Check hostname(const std::string& node_name, bool validate_name);
Check http_proxy(const std::string& proto, const std::string& host);
Check http_proxy_cidr(const std::string& proto, const std::string& cidr);
Check service(const std::string& name, bool check_if_active);
// `minimum_kubelet` "1.19.0"; `kubernetes_version` "" for join (no control-plane skew part).
Check kubelet_version(const std::string& kubernetes_version, const std::string& minimum_kubelet);

// Swap: severity and wording changed over the releases (see versions::Release::preflight_swap).
enum class SwapStyle { ErrorDisable, WarningDisable, WarningNodeSwapBeta, WarningCgroupV2 };
Check swap(SwapStyle style);

Check system_verification(bool docker);
Check is_docker_systemd();
Check cri();
struct ImagePullOptions {
  std::vector<std::string> images;
  std::string sandbox_image;  // kubeadm's pause image, compared with the runtime's
  std::string policy = "IfNotPresent";
  bool serial = true;
};
Check image_pull(const ImagePullOptions& o);
Check external_etcd_version(const api::ExternalEtcd& etcd, const std::string& minimum);

// The system verification pieces, exposed for tests.
namespace sysverify {
// Kernel release accepted by upstream's default spec (3.10+).
bool kernel_version_ok(const std::string& release);
// Missing required options ("CONFIG_X") of a kernel config text; optional ones in `optional`.
std::vector<std::string> missing_kernel_config(const std::string& config_text,
                                               std::vector<std::string>* optional);
}  // namespace sysverify

}  // namespace kadm::preflight
