#include <gtest/gtest.h>

#include "util/error.h"
#include "util/log.h"
#include "workflow/phase.h"

namespace kadm::workflow {
namespace {

// A workflow "a, b (b1, b2), c, d" whose phases record that they ran and print their name.
struct Recorder {
  std::vector<std::string> ran;
  std::string fail;  // the phase that throws

  Phase phase(const std::string& name, std::vector<Phase> children = {}) {
    Phase p;
    p.name = name;
    p.children = std::move(children);
    p.run = [this, name](Context&) {
      ran.push_back(name);
      log::progress("[{}] ran", name);
      if (name == fail) throw Error(name + " failed");
    };
    return p;
  }
  Workflow workflow() {
    Workflow wf;
    wf.phases = {phase("a"), phase("b", {phase("b1"), phase("b2")}), phase("c"), phase("d")};
    return wf;
  }
};

std::string run(Recorder& rec, const std::vector<std::string>& skip, const Ahead& ahead) {
  cli::Command cmd("init", "");
  cli::Invocation inv(cmd, {});
  Context ctx(inv, [](const cli::Invocation&) { return std::unique_ptr<Data>(); });
  Workflow wf = rec.workflow();
  testing::internal::CaptureStdout();
  try {
    run_all(wf, ctx, skip, ahead);
  } catch (...) {
    std::string out = testing::internal::GetCapturedStdout();
    throw Error(out);
  }
  return testing::internal::GetCapturedStdout();
}

TEST(RunAll, PhasesRunAheadOfTheirTurnPrintWhereTheyStand) {
  Recorder rec;
  std::string out = run(rec, {}, {"b", {"b/b2", "d"}});
  // b2 needs its parent's own step first; both run before b1, and d before c.
  EXPECT_EQ(rec.ran, (std::vector<std::string>{"a", "b", "b2", "d", "b1", "c"}));
  EXPECT_EQ(out, "[a] ran\n[b] ran\n[b1] ran\n[b2] ran\n[c] ran\n[d] ran\n");
}

TEST(RunAll, SkippedPhasesDoNotRunAhead) {
  Recorder rec;
  std::string out = run(rec, {"d", "b/b2"}, {"b", {"b/b2", "d"}});
  EXPECT_EQ(rec.ran, (std::vector<std::string>{"a", "b", "b1", "c"}));
  EXPECT_EQ(out, "[a] ran\n[b] ran\n[b1] ran\n[c] ran\n");
}

TEST(RunAll, AFailureAheadPrintsWhatRanBeforeTheError) {
  Recorder rec;
  rec.fail = "d";
  try {
    run(rec, {}, {"b", {"b/b2", "d"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    // What ran ahead is on disk, so its lines are printed in the order it ran; b1 and c never ran.
    EXPECT_EQ(std::string(e.what()), "[a] ran\n[b] ran\n[b2] ran\n[d] ran\n");
  }
  EXPECT_EQ(rec.ran, (std::vector<std::string>{"a", "b", "b2", "d"}));
}

TEST(RunAll, WithoutAheadPhasesRunInOrder) {
  Recorder rec;
  std::string out = run(rec, {"b/b1"}, {});
  EXPECT_EQ(rec.ran, (std::vector<std::string>{"a", "b", "b2", "c", "d"}));
  EXPECT_EQ(out, "[a] ran\n[b] ran\n[b2] ran\n[c] ran\n[d] ran\n");
}

}  // namespace
}  // namespace kadm::workflow
