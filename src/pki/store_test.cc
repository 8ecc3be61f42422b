// Certificates and keys on disk: file modes, reuse, mismatches, bad input (the fixtures in
// tests/fixtures/bad-pki, run through the kadm binary), and unwritable directories.
#include "pki/store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>

#include "host/fs.h"
#include "pki/testing.h"
#include "util/error.h"

namespace kadm::pki {
namespace {

namespace fs = std::filesystem;
using testing::inputs;
using testing::TempDir;

int mode_of(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

std::string slurp(const std::string& path) {
  return host::read_file(path).value_or("");
}

// Makes the whole tree of one release into `dir`; returns the CAs by name.
std::map<std::string, CA> make_tree(const PkiInputs& in, const std::string& dir, KeyPool& pool) {
  std::map<std::string, CA> cas;
  for (const auto& def : cert_list()) {
    if (def.ca_name[0] == '\0')
      cas[def.name] = ensure_ca(def, in, dir, pool);
    else
      ensure_leaf(def, in, dir, cas.at(def.ca_name), pool);
  }
  ensure_service_account_key(in, dir, pool);
  return cas;
}

TEST(Store, WritesTheTreeWithUpstreamsFileNamesAndModes) {
  TempDir t;
  KeyPool pool;
  make_tree(inputs(30), t.path, pool);
  for (const auto& def : cert_list()) {
    EXPECT_EQ(mode_of(cert_path(t.path, def.base_name)), 0644) << def.base_name;
    EXPECT_EQ(mode_of(key_path(t.path, def.base_name)), 0600) << def.base_name;
  }
  EXPECT_EQ(mode_of(t.path + "/sa.key"), 0600);
  EXPECT_EQ(mode_of(t.path + "/sa.pub"), 0600);
  EXPECT_EQ(slurp(t.path + "/sa.pub").rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  EXPECT_TRUE(fs::is_directory(t.path + "/etcd"));
  for (const auto& e : fs::recursive_directory_iterator(t.path))
    EXPECT_EQ(e.path().string().find("kadm-tmp"), std::string::npos) << e.path();
}

TEST(Store, ExistingFilesAreReusedUnchanged) {
  TempDir t;
  KeyPool pool;
  auto in = inputs(25);
  make_tree(in, t.path, pool);
  std::string before = slurp(cert_path(t.path, "apiserver")) + slurp(cert_path(t.path, "etcd/ca"));
  CA ca = ensure_ca(*find_cert("ca"), in, t.path, pool);
  EXPECT_EQ(ca.outcome, Outcome::kReused);
  EXPECT_TRUE(ca.key);
  Leaf leaf = ensure_leaf(*find_cert("apiserver"), in, t.path, ca, pool);
  EXPECT_EQ(leaf.outcome, Outcome::kReused);
  EXPECT_EQ(ensure_service_account_key(in, t.path, pool), Outcome::kReused);
  EXPECT_EQ(before, slurp(cert_path(t.path, "apiserver")) + slurp(cert_path(t.path, "etcd/ca")));
}

TEST(Store, ANewSanMakesTheExistingCertificateAMismatch) {
  TempDir t;
  KeyPool pool;
  auto in = inputs(30);
  auto cas = make_tree(in, t.path, pool);
  in.apiserver_cert_sans = {"new.example.com"};
  try {
    ensure_leaf(*find_cert("apiserver"), in, t.path, cas["ca"], pool);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.render().find(cert_path(t.path, "apiserver")), std::string::npos) << e.render();
    EXPECT_NE(e.render().find("[new.example.com]"), std::string::npos) << e.render();
  }
}

TEST(Store, ExternalCaModeNeedsTheLeavesAndSignsNothing) {
  TempDir t;
  KeyPool pool;
  auto in = inputs(30);
  make_tree(in, t.path, pool);
  fs::remove(key_path(t.path, "ca"));
  CA ca = ensure_ca(*find_cert("ca"), in, t.path, pool);
  EXPECT_FALSE(ca.key);
  EXPECT_EQ(ensure_leaf(*find_cert("apiserver"), in, t.path, ca, pool).outcome, Outcome::kReused);
  fs::remove(cert_path(t.path, "apiserver-kubelet-client"));
  fs::remove(key_path(t.path, "apiserver-kubelet-client"));
  try {
    ensure_leaf(*find_cert("apiserver-kubelet-client"), in, t.path, ca, pool);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.render().find("external CA mode"), std::string::npos) << e.render();
    EXPECT_NE(e.render().find("apiserver-kubelet-client.crt"), std::string::npos) << e.render();
  }
  EXPECT_FALSE(fs::exists(cert_path(t.path, "apiserver-kubelet-client")));
}

// Runs `kadm init phase certs all` on a copy of each fixture: it must fail, name the file and the
// problem, and leave every file it found as it was, with no temporary files behind.
TEST(Store, BadPkiFixturesFailWithTheirMessage) {
  std::string root = std::string(KADM_FIXTURES) + "/bad-pki";
  std::string config_text = slurp(root + "/config.yaml");
  ASSERT_FALSE(config_text.empty());
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    ++cases;
    std::string name = entry.path().filename();
    TempDir t;
    std::string dir = t.path + "/pki";
    fs::copy(entry.path(), dir, fs::copy_options::recursive);
    std::ifstream ex(dir + "/expect");
    std::string message, file;
    std::getline(ex, message);
    std::getline(ex, file);
    fs::remove(dir + "/expect");
    std::map<std::string, std::string> original;
    for (const auto& f : fs::recursive_directory_iterator(dir))
      if (f.is_regular_file()) original[f.path()] = slurp(f.path());
    std::string cfg = config_text;
    cfg.replace(cfg.find("CERT_DIR"), 8, dir);
    host::write_file_atomic(t.path + "/config.yaml", cfg, 0600);
    std::string cmd =
        fmt::format("{} init phase certs all --config {}/config.yaml 2>&1", KADM_BINARY, t.path);
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    std::array<char, 4096> buf;
    while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    int status = pclose(p);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << name << ": " << out;
    EXPECT_NE(out.find(message), std::string::npos) << name << ": want \"" << message << "\" in:\n"
                                                    << out;
    EXPECT_NE(out.find(dir + "/" + file), std::string::npos)
        << name << ": want the file named in:\n"
        << out;
    for (const auto& [path, content] : original)
      EXPECT_EQ(slurp(path), content) << name << ": " << path << " changed";
    for (const auto& f : fs::recursive_directory_iterator(dir))
      EXPECT_EQ(f.path().string().find("kadm-tmp"), std::string::npos) << name << ": " << f.path();
  }
  EXPECT_GE(cases, 9);
}

// An extra SAN that is neither an IP address nor a DNS name is refused before anything is written.
TEST(Store, ExtraSanThatIsNoIpNorDnsNameIsAConfigErrorNamingTheField) {
  TempDir t;
  std::string cfg = slurp(std::string(KADM_FIXTURES) + "/bad-pki/config.yaml");
  cfg.replace(cfg.find("CERT_DIR"), 8, t.path + "/pki");
  cfg += "apiServer:\n  certSANs: [\"10.0.0.1/24\"]\n";
  host::write_file_atomic(t.path + "/config.yaml", cfg, 0600);
  std::string cmd =
      fmt::format("{} init phase certs all --config {}/config.yaml 2>&1", KADM_BINARY, t.path);
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int status = pclose(p);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << out;
  EXPECT_NE(out.find("apiServer.certSANs"), std::string::npos) << out;
  EXPECT_NE(out.find("10.0.0.1/24"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(t.path + "/pki"));
}

// A directory the process may not write to: as root, the check runs in a child that drops to
// "nobody" (root ignores permissions); otherwise the directory is simply made read-only.
TEST(Store, UnwritableDirectoryIsAnErrorNamingTheFileAndWritesNothing) {
  TempDir t;
  std::string dir = t.path + "/pki";
  fs::create_directories(dir);
  chmod(t.path.c_str(), 0755);
  chmod(dir.c_str(), 0555);
  auto in = inputs(30);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
    std::string msg;
    int rc = 0;
    try {
      KeyPool pool(1);
      ensure_ca(*find_cert("ca"), in, dir, pool);
      rc = 1;
    } catch (const Error& e) {
      msg = e.render();
    }
    if (write(fds[1], msg.data(), msg.size()) < 0) rc = 4;
    _exit(rc);
  }
  close(fds[1]);
  std::string msg;
  char buf[1024];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) msg.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << "the write did not fail (1), could not drop privileges (3)";
  EXPECT_NE(msg.find(dir + "/ca.key"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Permission denied"), std::string::npos) << msg;
  EXPECT_TRUE(fs::is_empty(dir));
}

}  // namespace
}  // namespace kadm::pki
