// What building kadm's command tree costs: every command pays it before parsing its arguments.
#include <benchmark/benchmark.h>

#include "cli/cluster_commands.h"
#include "cli/root.h"

namespace {

// The whole tree from the code linked into this binary, as kadm builds it with kadm-cluster.so.
const bool linked = (kadm::cli::link_cluster_commands(&kadm::cli::add_cluster_command), true);

void BM_MakeRootWhole(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(kadm::cli::make_root());
}
BENCHMARK(BM_MakeRootWhole)->Unit(benchmark::kMicrosecond);

// What `kadm version` builds.
void BM_MakeRootForVersion(benchmark::State& state) {
  const std::vector<std::string> args = {"version"};
  for (auto _ : state) benchmark::DoNotOptimize(kadm::cli::make_root(args));
}
BENCHMARK(BM_MakeRootForVersion)->Unit(benchmark::kMicrosecond);

}  // namespace
