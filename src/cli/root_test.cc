// Which part of the command tree a command line builds (cli/root.h).
#include "cli/root.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kadm::cli {
namespace {

std::vector<std::string> top_level(const Command& root) {
  std::vector<std::string> names;
  for (const auto& c : root.children) names.push_back(c->name);
  return names;
}

TEST(CommandTree, OnlyTheNamedTopLevelCommandIsBuilt) {
  EXPECT_EQ(top_level(*make_root({"version", "-o", "short"})), std::vector<std::string>{"version"});
  EXPECT_EQ(top_level(*make_root({"--v", "5", "init", "phase", "certs", "all"})),
            std::vector<std::string>{"init"})
      << "the value of a global flag is not a command";
  EXPECT_EQ(top_level(*make_root({"-v=2", "--rootfs", "/x", "join", "10.0.0.1:6443"})),
            std::vector<std::string>{"join"});
}

TEST(CommandTree, EachTopLevelNameBuildsThatCommand) {
  auto whole = make_root();
  ASSERT_GE(whole->children.size(), 9u);
  for (const auto& c : whole->children) {
    if (c->name == "completion") continue;  // builds everything (below)
    EXPECT_EQ(top_level(*make_root({c->name})), std::vector<std::string>{c->name});
  }
}

TEST(CommandTree, HelpCompletionAndUnknownWordsBuildTheWholeTree) {
  auto all = top_level(*make_root());
  EXPECT_EQ(top_level(*make_root(std::vector<std::string>{})), all);
  EXPECT_EQ(top_level(*make_root({"--help"})), all);
  EXPECT_EQ(top_level(*make_root({"completion", "bash"})), all);
  EXPECT_EQ(top_level(*make_root({"inti"})), all) << "the unknown-command error lists the real ones";
}

}  // namespace
}  // namespace kadm::cli
