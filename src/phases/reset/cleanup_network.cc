#include "phases/reset/cleanup_network.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "phases/reset/data.h"
#include "util/log.h"
#include "util/strings.h"

namespace kadm::phases::reset {
namespace {

// iptables-save's words, with "…" quoting as it writes comments.
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false, quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '\\' && i + 1 < line.size()) {
        cur += line[++i];
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(cur);
  return out;
}

std::string target_of(const std::vector<std::string>& w) {
  for (size_t i = 0; i + 1 < w.size(); ++i)
    if (w[i] == "-j" || w[i] == "--jump" || w[i] == "-g" || w[i] == "--goto") return w[i + 1];
  return "";
}

bool flannel_comment(const std::vector<std::string>& w) {
  for (size_t i = 0; i + 1 < w.size(); ++i)
    if (w[i] == "--comment" && w[i + 1].find("flanneld") != std::string::npos) return true;
  return false;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

bool owned_chain(const std::string& c) {
  static const char* prefixes[] = {"KUBE-", "CNI-", "FLANNEL-", "cali-", "WEAVE-", "CILIUM_"};
  for (const char* p : prefixes)
    if (c.rfind(p, 0) == 0) return true;
  return false;
}

RulesCleanup plan_rules_cleanup(const std::string& save_output) {
  RulesCleanup out;
  std::string table;
  std::vector<std::vector<std::string>> deletes;
  std::vector<std::string> chains;
  auto flush_table = [&]() {
    if (table.empty() || (deletes.empty() && chains.empty())) return;
    for (const auto& d : deletes) out.commands.push_back(d);
    for (const auto& c : chains) out.commands.push_back({"-w", "5", "-t", table, "-F", c});
    for (const auto& c : chains) out.commands.push_back({"-w", "5", "-t", table, "-X", c});
    out.tables.push_back(table);
    for (const auto& c : chains) out.chains.push_back(table + "/" + c);
    out.rules += static_cast<int>(deletes.size());
  };
  for (const auto& line : split_lines(save_output)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '*') {
      table = line.substr(1);
      deletes.clear();
      chains.clear();
      continue;
    }
    if (line == "COMMIT") {
      flush_table();
      table.clear();
      continue;
    }
    if (line[0] == ':') {
      std::string chain = line.substr(1, line.find(' ') == std::string::npos ? std::string::npos : line.find(' ') - 1);
      if (owned_chain(chain)) chains.push_back(chain);
      continue;
    }
    if (line.rfind("-A ", 0) != 0) continue;
    auto w = words(line);
    if (w.size() < 2 || owned_chain(w[1])) continue;  // rules of owned chains go with the chain
    std::string target = target_of(w);
    if ((!target.empty() && owned_chain(target)) || flannel_comment(w)) {
      std::vector<std::string> argv = {"-w", "5", "-t", table, "-D"};
      argv.insert(argv.end(), w.begin() + 1, w.end());
      deletes.push_back(argv);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> owned_nft_tables(const std::string& text) {
  static const std::set<std::string> names = {"kube-proxy", "flannel-ipv4", "flannel-ipv6", "calico"};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& line : split_lines(text)) {
    auto w = words(line);
    if (w.size() == 3 && w[0] == "table" && names.count(w[2])) out.emplace_back(w[1], w[2]);
  }
  return out;
}

std::vector<std::vector<std::string>> ipvs_deletions(const std::string& save_output,
                                                     const std::vector<std::string>& addrs) {
  std::vector<std::vector<std::string>> out;
  for (const auto& line : split_lines(save_output)) {
    auto w = words(line);
    if (w.size() < 3 || w[0] != "-A") continue;
    const std::string& kind = w[1];  // -t TCP, -u UDP, --sctp-service, -f fwmark
    if (kind != "-t" && kind != "-u" && kind != "--sctp-service") continue;
    const std::string& service = w[2];
    auto colon = service.rfind(':');
    if (colon == std::string::npos) continue;
    std::string addr = service.substr(0, colon);
    if (addr.size() > 2 && addr.front() == '[') addr = addr.substr(1, addr.size() - 2);
    int port = 0;
    try {
      port = std::stoi(service.substr(colon + 1));
    } catch (...) {
      continue;
    }
    bool vip = std::find(addrs.begin(), addrs.end(), addr) != addrs.end();
    bool node_port = port >= 30000 && port <= 32767;
    if (vip || node_port) out.push_back({"ipvsadm", "-D", kind, service});
  }
  return out;
}

void cleanup_network(ResetData& d) {
  auto& m = d.machine();
  auto cmdline = [](const std::vector<std::string>& argv) { return join(argv, " "); };
  for (const auto& [save, bin] : {std::pair<std::string, std::string>{"iptables-save", "iptables"},
                                  std::pair<std::string, std::string>{"ip6tables-save", "ip6tables"}}) {
    if (!m.on_path(save) || !m.on_path(bin)) {
      d.left_behind.push_back(fmt::format("{} rules were not inspected: {} is not installed", bin, save));
      continue;
    }
    auto dump = m.run({save});
    if (dump.status != 0) {
      d.left_behind.push_back(fmt::format("{} failed ({}); its rules were not cleaned", save, dump.error));
      continue;
    }
    auto plan = plan_rules_cleanup(dump.output);
    if (plan.commands.empty()) {
      log::v(1, "[reset] {}: no rules of kube-proxy or the CNI plugin", bin);
      continue;
    }
    std::string what = fmt::format("{} {} rule(s) and {} chain(s) of kube-proxy and the CNI plugin (tables {})", bin,
                                   plan.rules, plan.chains.size(), join(plan.tables, ", "));
    if (d.dry_run()) {
      log::progress("[reset] Would remove {}", what);
      continue;
    }
    log::progress("[reset] Removing {}", what);
    int failed = 0;
    std::string first;
    for (auto argv : plan.commands) {
      argv.insert(argv.begin(), bin);
      auto r = m.run(argv);
      if (r.status != 0 && failed++ == 0) first = fmt::format("'{}' failed: {} {}", cmdline(argv), r.error, r.output);
    }
    if (failed > 0) d.left_behind.push_back(fmt::format("{}: {} command(s) failed, the first: {}", what, failed, first));
  }

  if (m.on_path("nft")) {
    auto tables = m.run({"nft", "list", "tables"});
    if (tables.status == 0) {
      for (const auto& [family, name] : owned_nft_tables(tables.output)) {
        std::vector<std::string> argv = {"nft", "delete", "table", family, name};
        if (d.dry_run()) {
          log::progress("[reset] Would remove the nftables table {} {} ({})", family, name, cmdline(argv));
          continue;
        }
        log::progress("[reset] Removing the nftables table {} {}", family, name);
        auto r = m.run(argv);
        if (r.status != 0) d.left_behind.push_back(fmt::format("nftables table {} {}: '{}' failed: {}", family, name, cmdline(argv), r.error));
      }
    }
  }

  // IPVS: kube-proxy's dummy interface holds every service VIP it balances.
  std::vector<std::string> addrs;
  bool has_ipvs0 = false;
  if (m.on_path("ip")) {
    auto r = m.run({"ip", "-o", "addr", "show", "dev", "kube-ipvs0"});
    if (r.status == 0) {
      has_ipvs0 = true;
      for (const auto& line : split_lines(r.output)) {
        auto w = words(line);
        for (size_t i = 0; i + 1 < w.size(); ++i)
          if (w[i] == "inet" || w[i] == "inet6") addrs.push_back(w[i + 1].substr(0, w[i + 1].find('/')));
      }
    }
  }
  if (m.on_path("ipvsadm-save") && m.on_path("ipvsadm")) {
    auto r = m.run({"ipvsadm-save", "-n"});
    if (r.status == 0) {
      auto dels = ipvs_deletions(r.output, addrs);
      if (!dels.empty()) {
        if (d.dry_run()) {
          log::progress("[reset] Would remove {} IPVS virtual service(s) of kube-proxy", dels.size());
        } else {
          log::progress("[reset] Removing {} IPVS virtual service(s) of kube-proxy", dels.size());
          for (const auto& argv : dels) {
            auto x = m.run(argv);
            if (x.status != 0) d.left_behind.push_back(fmt::format("IPVS service: '{}' failed: {}", cmdline(argv), x.error));
          }
        }
      }
    }
  } else if (has_ipvs0) {
    d.left_behind.push_back("IPVS virtual services of kube-proxy: ipvsadm is not installed (ipvsadm --clear removes all of them)");
  }
  if (has_ipvs0) {
    if (d.dry_run()) {
      log::progress("[reset] Would remove the kube-ipvs0 interface");
    } else {
      auto r = m.run({"ip", "link", "delete", "kube-ipvs0"});
      if (r.status != 0) d.left_behind.push_back(fmt::format("interface kube-ipvs0: 'ip link delete kube-ipvs0' failed: {}", r.error));
    }
  }
}

}  // namespace kadm::phases::reset
