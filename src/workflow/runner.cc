#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "util/error.h"
#include "util/log.h"
#include "workflow/phase.h"

namespace kadm::workflow {
namespace {

using Clock = std::chrono::steady_clock;

// Whether the phase's run_if (if any) lets it run in this context.
bool applies(const Phase& p, Context& ctx) { return !p.run_if || p.run_if(ctx); }

using Chain = std::vector<std::pair<const Phase*, std::string>>;  // phases with their paths

// The phase at `path` after its parents, outermost first; empty when there is no such phase.
Chain find_phase(const Workflow& wf, const std::string& path) {
  Chain chain;
  const std::vector<Phase>* level = &wf.phases;
  std::string prefix;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string name =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    auto it =
        std::find_if(level->begin(), level->end(), [&](const Phase& p) { return p.name == name; });
    if (it == level->end()) return {};
    prefix += (prefix.empty() ? "" : "/") + name;
    chain.emplace_back(&*it, prefix);
    if (slash == std::string::npos) return chain;
    level = &it->children;
    start = slash + 1;
  }
  return {};
}

class Runner {
 public:
  Runner(const Workflow& wf, Context& ctx, const std::vector<std::string>& skip, const Ahead& ahead)
      : wf_(wf), ctx_(ctx), skip_(skip), ahead_(ahead) {}

  // Runs `p` and its children in order; returns the time their work took, wherever it ran.
  Clock::duration run(const Phase& p, const std::string& path) {
    if (!ahead_.at.empty() && path == ahead_.at) run_ahead();
    if (is_skipped(path, skip_)) {
      log::v(1, "[{}] skipping phase (--skip-phases)", path);
      return {};
    }
    Clock::duration took{};
    if (auto it = done_.find(path); it != done_.end()) {
      log::print_held(it->second.lines);
      took = it->second.took;
    } else {
      if (!applies(p, ctx_)) return {};
      auto start = Clock::now();
      if (p.run) p.run(ctx_);
      took = Clock::now() - start;
    }
    for (const auto& child : p.children) took += run(child, path + "/" + child.name);
    log::v(1, "[phase timing] {} took {}ms", path,
           std::chrono::duration_cast<std::chrono::milliseconds>(took).count());
    return took;
  }

 private:
  struct Done {
    log::Held lines;
    Clock::duration took{};
  };

  void run_ahead() {
    try {
      for (const auto& path : ahead_.phases) {
        Chain chain = find_phase(wf_, path);
        if (chain.empty()) throw Error(fmt::format("internal: no phase {} to run ahead", path));
        if (is_skipped(path, skip_)) continue;
        auto applies_here = [&](const auto& c) { return applies(*c.first, ctx_); };
        if (!std::all_of(chain.begin(), chain.end(), applies_here)) continue;
        const Phase& p = *chain.back().first;
        chain.pop_back();
        for (const auto& [parent, parent_path] : chain) own_step(*parent, parent_path);
        whole(p, path);
      }
    } catch (...) {
      // Whatever ran ahead is on disk: say so, in the order it ran, before the error.
      for (const auto& path : order_) log::print_held(done_[path].lines);
      throw;
    }
    log::v(1, "[workflow] ran ahead of their turn: {}", fmt::join(order_, ", "));
  }

  void whole(const Phase& p, const std::string& path) {
    own_step(p, path);
    for (const auto& child : p.children)
      if (!is_skipped(path + "/" + child.name, skip_) && applies(child, ctx_))
        whole(child, path + "/" + child.name);
  }

  // Runs the phase's own step (not its children) once, its lines held back.
  void own_step(const Phase& p, const std::string& path) {
    if (done_.count(path)) return;
    Done& d = done_[path];
    order_.push_back(path);
    log::HoldLines hold(d.lines);
    auto start = Clock::now();
    if (p.run) p.run(ctx_);
    d.took = Clock::now() - start;
  }

  const Workflow& wf_;
  Context& ctx_;
  const std::vector<std::string>& skip_;
  const Ahead& ahead_;
  std::map<std::string, Done> done_;
  std::vector<std::string> order_;  // paths in done_, in the order they ran
};

void collect_paths(const Phase& p, const std::string& prefix, std::vector<std::string>& out) {
  std::string path = prefix.empty() ? p.name : prefix + "/" + p.name;
  out.push_back(path);
  for (const auto& c : p.children) collect_paths(c, path, out);
}

// "preflight                    Run pre-flight checks" lines of the help text.
void phase_help_lines(const Phase& p, int depth, std::string& out) {
  if (p.hidden) return;
  std::string name = depth == 0 ? p.name : std::string(static_cast<size_t>(depth - 1) * 2, ' ') + "  /" + p.name;
  std::string pad = name.size() < 29 ? std::string(29 - name.size(), ' ') : " ";
  out += name + pad + p.short_help + "\n";
  for (const auto& c : p.children) phase_help_lines(c, depth + 1, out);
}

const cli::Flag* find_flag_up(const cli::Command& cmd, const std::string& name) {
  for (const cli::Command* c = &cmd; c; c = c->parent)
    if (const auto* f = c->find_flag(name)) return f;
  return nullptr;
}

void add_phase_command(cli::Command& parent, const cli::Command& owner, const Phase& p,
                       std::shared_ptr<Workflow> wf, std::vector<const Phase*> chain) {
  chain.push_back(&p);
  auto& cmd = parent.add(p.name, p.short_help);
  cmd.long_help = p.long_help.empty() ? p.short_help : p.long_help;
  cmd.example = p.example;
  cmd.hidden = p.hidden;
  // Inherit the flags the phase declares, bound to the same storage as the owner command's.
  std::vector<std::string> wanted = p.inherit_flags;
  if (p.with_all)
    for (const auto& c : p.children)
      wanted.insert(wanted.end(), c.inherit_flags.begin(), c.inherit_flags.end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  cmd.flags.reserve(wanted.size() + p.local_flags.size());  // no slack: a tree holds many copies
  for (const auto& name : wanted) {
    const cli::Flag* f = find_flag_up(owner, name);
    if (!f) throw Error(fmt::format("internal: phase {} inherits unknown flag --{}", p.name, name));
    cli::Flag copy = *f;
    copy.option = nullptr;
    cmd.flag(copy);
  }
  for (const auto& f : p.local_flags) cmd.flag(f);

  if (p.children.empty()) {
    cmd.run = [wf, chain](cli::Invocation& inv) {
      Context ctx(inv, wf->factory);
      for (const Phase* ph : chain)
        if (!applies(*ph, ctx)) return 0;
      chain.back()->run(ctx);
      return 0;
    };
    return;
  }
  cmd.long_help += "\n\nThis command is not meant to be run on its own. See list of available subcommands.";
  if (p.with_all) {
    auto& all = cmd.add("all", "Run all " + p.name + " phases");
    all.flags.reserve(cmd.flags.size());
    for (const auto& f : cmd.flags) {
      cli::Flag copy = f;
      copy.option = nullptr;
      all.flag(copy);
    }
    all.run = [wf, chain](cli::Invocation& inv) {
      Context ctx(inv, wf->factory);
      const Phase& group = *chain.back();
      if (group.run) group.run(ctx);
      for (const auto& c : group.children) {
        if (!applies(c, ctx)) continue;
        if (c.run) c.run(ctx);
      }
      return 0;
    };
  }
  for (const auto& c : p.children) add_phase_command(cmd, owner, c, wf, chain);
}

}  // namespace

std::vector<std::string> phase_paths(const Workflow& wf) {
  std::vector<std::string> out;
  for (const auto& p : wf.phases) collect_paths(p, "", out);
  return out;
}

void run_all(const Workflow& wf, Context& ctx, const std::vector<std::string>& skip,
             const Ahead& ahead) {
  auto known = phase_paths(wf);
  for (const auto& s : skip) {
    if (std::find(known.begin(), known.end(), s) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      // A warning, not an error: phase lists differ between releases and scripts carry names
      // across versions (upstream ignores unknown names silently).
      log::warning(fmt::format("--skip-phases: no phase \"{}\" in this release; phases are: {}", s, list));
    }
  }
  Runner runner(wf, ctx, skip, ahead);
  for (const auto& p : wf.phases) runner.run(p, p.name);
}

bool is_skipped(const std::string& path, const std::vector<std::string>& skip) {
  for (const auto& s : skip) {
    if (s == path) return true;
    // Skipping a parent skips its children.
    if (path.size() > s.size() && path.compare(0, s.size(), s) == 0 && path[s.size()] == '/') return true;
  }
  return false;
}

void attach(cli::Command& cmd, std::shared_ptr<Workflow> wf, std::vector<std::string>* /*skip_phases*/) {
  auto shared = wf;
  std::string verb = cmd.name;
  cmd.extra_help = [shared, verb]() {
    std::string out = fmt::format("The \"{}\" command executes the following phases:\n```\n", verb);
    for (const auto& p : shared->phases) phase_help_lines(p, 0, out);
    out += "```\n\n";
    return out;
  };
  auto& phase = cmd.add("phase", fmt::format("Use this command to invoke single phase of the {} workflow", verb));
  phase.long_help = phase.short_help;
  for (const auto& p : wf->phases) add_phase_command(phase, cmd, p, wf, {});
}

}  // namespace kadm::workflow
