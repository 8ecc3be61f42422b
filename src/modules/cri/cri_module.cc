// kadm-cri.so: cri::Backend on gRPC C++, for the CRI packages runtime.v1 and runtime.v1alpha2.
// Loaded with dlopen by cri/runtime.cc; nothing else in kadm links gRPC or protobuf.
#include <grpc/support/log.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "cri/backend.h"
#include "cri_v1.grpc.pb.h"
#include "cri_v1alpha2.grpc.pb.h"

namespace kadm::cri {
namespace {

// What the kubelet puts in VersionRequest.version (kubeRuntimeAPIVersion in kuberuntime).
constexpr const char* kKubeletApiVersion = "0.1.0";

// The kubelet's limit for CRI messages (16 MiB): ListImages on a busy node passes gRPC's 4 MiB.
constexpr int kMaxMessageBytes = 16 * 1024 * 1024;

Status convert(const grpc::Status& s) {
  Status out;
  out.message = s.error_message();
  switch (s.error_code()) {
    case grpc::StatusCode::OK: out.code = Code::Ok; break;
    case grpc::StatusCode::UNAVAILABLE: out.code = Code::Unavailable; break;
    case grpc::StatusCode::DEADLINE_EXCEEDED: out.code = Code::Timeout; break;
    case grpc::StatusCode::UNIMPLEMENTED: out.code = Code::Unimplemented; break;
    case grpc::StatusCode::NOT_FOUND: out.code = Code::NotFound; break;
    default: out.code = Code::Other; break;
  }
  return out;
}

std::unique_ptr<grpc::ClientContext> context(std::chrono::milliseconds timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  return ctx;
}

// gRPC's own log lines (connection attempts, resolver chatter) would interleave with kadm's
// output; every failure reaches the user through a Status instead.
void quiet_log(gpr_log_func_args*) {}

}  // namespace

namespace v1 {
namespace pb = ::runtime::v1;
constexpr const char* kApiName = kApiV1;
#include "grpc_backend.inc"
}  // namespace v1

namespace v1alpha2 {
namespace pb = ::runtime::v1alpha2;
constexpr const char* kApiName = kApiV1alpha2;
#include "grpc_backend.inc"
}  // namespace v1alpha2

namespace {

Backend* create(const ConnectOptions& options, Status* status) {
  static std::once_flag once;
  std::call_once(once, [] { gpr_set_log_function(quiet_log); });
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  auto channel = grpc::CreateCustomChannel("unix://" + options.socket_path, grpc::InsecureChannelCredentials(), args);

  std::string tried;
  for (const auto& api : options.api_versions) {
    std::unique_ptr<Backend> backend;
    VersionInfo info;
    Status s;
    if (api == kApiV1) {
      auto b = std::make_unique<v1::GrpcBackend>(channel, options);
      s = b->version_within(options.connect_timeout, &info);
      backend = std::move(b);
    } else if (api == kApiV1alpha2) {
      auto b = std::make_unique<v1alpha2::GrpcBackend>(channel, options);
      s = b->version_within(options.connect_timeout, &info);
      backend = std::move(b);
    } else {
      *status = {Code::Other, "kadm does not know the CRI API version \"" + api + "\""};
      return nullptr;
    }
    if (s.ok()) return backend.release();
    if (s.code != Code::Unimplemented) {
      *status = s;
      return nullptr;
    }
    tried += (tried.empty() ? "" : ", ") + ("runtime." + api);
  }
  *status = {Code::Unimplemented, "it serves none of the CRI services " + tried};
  return nullptr;
}

}  // namespace
}  // namespace kadm::cri

extern "C" __attribute__((visibility("default"))) kadm::cri::Backend* kadm_cri_create(
    const kadm::cri::ConnectOptions* options, kadm::cri::Status* status) {
  try {
    return kadm::cri::create(*options, status);
  } catch (const std::exception& e) {
    *status = {kadm::cri::Code::Other, e.what()};
    return nullptr;
  }
}
