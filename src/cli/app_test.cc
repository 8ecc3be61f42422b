// The command line as a user meets it: runs the real binary.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

std::string slurp(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  close(fd);
  return s;
}

Result kadm(std::vector<std::string> args) {
  int out[2], err[2];
  if (pipe(out) != 0 || pipe(err) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(out[0]);
    close(err[0]);
    std::vector<char*> argv;
    std::string bin = KADM_BINARY;
    argv.push_back(bin.data());
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  Result r;
  // Output is small; read stderr after stdout.
  r.out = slurp(out[0]);
  r.err = slurp(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

int lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(CommandLine, UnknownCommandIsOneLineWithExitCode2) {
  auto r = kadm({"inti"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("unknown command \"inti\" for \"kadm\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("kadm --help"), std::string::npos) << r.err;
}

TEST(CommandLine, UnknownFlagAndPhaseAreUsageErrors) {
  auto r = kadm({"init", "--apiserver-advertise-adress", "1.2.3.4"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown flag --apiserver-advertise-adress"), std::string::npos) << r.err;
  r = kadm({"init", "phase", "cert"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command \"cert\" for \"kadm init phase\""), std::string::npos) << r.err;
  r = kadm({"init", "--token-ttl", "soon"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--token-ttl"), std::string::npos) << r.err;
}

TEST(CommandLine, HelpIsCobraShaped) {
  auto r = kadm({"init", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("The \"init\" command executes the following phases:"), std::string::npos);
  EXPECT_NE(r.out.find("Usage:\n  kadm init [flags]\n  kadm init [command]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("      --apiserver-bind-port int32"), std::string::npos);
  EXPECT_NE(r.out.find("Global Flags:"), std::string::npos);
  EXPECT_NE(r.out.find("  -v, --v Level"), std::string::npos);
}

TEST(CommandLine, VersionFormats) {
  auto r = kadm({"version", "-o", "json"});
  ASSERT_EQ(r.code, 0);
  auto j = nlohmann::json::parse(r.out);
  std::string v = j["clientVersion"]["gitVersion"];
  EXPECT_EQ(v.rfind("v1.", 0), 0u);
  EXPECT_EQ(kadm({"version", "-o", "short"}).out, v + "\n");
  EXPECT_NE(kadm({"version", "-o", "yaml"}).out.find("clientVersion:\n  buildDate:"), std::string::npos);
  EXPECT_NE(kadm({"version", "-o", "xml"}).code, 0);
}

TEST(CommandLine, CompletionScriptsAreValidShell) {
  auto r = kadm({"completion", "bash"});
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("complete -o default -F _kadm_complete kadm"), std::string::npos);
  EXPECT_NE(r.out.find("\"kadm init phase\")"), std::string::npos);
  char tmpl[] = "/tmp/kadm-completion-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, r.out.data(), r.out.size()), static_cast<ssize_t>(r.out.size()));
  close(fd);
  std::string check = std::string("bash -n ") + tmpl;
  EXPECT_EQ(system(check.c_str()), 0);
  unlink(tmpl);
  EXPECT_EQ(kadm({"completion", "zsh"}).code, 0);
  EXPECT_NE(kadm({"completion", "fish"}).code, 0);
}

TEST(CommandLine, ConfigErrorsExitWith3AndNameTheFile) {
  std::string seed = std::string(KADM_FIXTURES) + "/config/seed-v1beta1.yaml";
  auto r = kadm({"config", "validate", "--config", seed});
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find(seed + ":3:20"), std::string::npos) << r.err;
  r = kadm({"config", "migrate", "--old-config", seed});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("apiVersion: kubeadm.k8s.io/v1beta4"), std::string::npos);
  EXPECT_NE(r.out.find("- name: node-monitor-grace-period"), std::string::npos) << r.out;
}

TEST(CommandLine, ConfigCannotBeMixedWithConfigurationFlags) {
  std::string seed = std::string(KADM_FIXTURES) + "/config/seed-v1beta1.yaml";
  auto r = kadm({"config", "images", "list", "--config", seed, "--kubernetes-version", "v1.20.2"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("can not mix '--config' with arguments [kubernetes-version]"), std::string::npos) << r.err;
}

}  // namespace
