#include "cli/help.h"

#include <fmt/format.h>

#include <algorithm>

namespace kadm::cli {
namespace {

std::string trim_right(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.pop_back();
  return s;
}

bool visible(const Flag& f) { return !f.hidden && f.deprecated.empty(); }

// pflag's FlagUsages: "  -o, --output string   usage (default "x")", aligned on the longest
// flag column, sorted by name.
std::string flag_usages(std::vector<const Flag*> flags) {
  std::sort(flags.begin(), flags.end(), [](auto* a, auto* b) { return a->name < b->name; });
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const Flag* f : flags) {
    std::string left = f->shorthand ? fmt::format("  -{}, --{}", f->shorthand, f->name)
                                     : fmt::format("      --{}", f->name);
    std::string type = f->type_name();
    if (!type.empty()) left += " " + type;
    std::string usage = f->usage;
    if (!f->default_text.empty()) {
      bool quoted = std::holds_alternative<std::string*>(f->target);
      usage += quoted ? fmt::format(" (default \"{}\")", f->default_text)
                      : fmt::format(" (default {})", f->default_text);
    }
    width = std::max(width, left.size());
    rows.emplace_back(std::move(left), std::move(usage));
  }
  std::string out;
  for (auto& [left, usage] : rows) {
    // pflag counts a NUL separator into the column width, hence three spaces after the longest.
    std::string indent(width + 3, ' ');
    std::string u;
    for (char c : usage) {
      u += c;
      if (c == '\n') u += indent;
    }
    out += left + std::string(width - left.size() + 3, ' ') + u + "\n";
  }
  return out;
}

std::vector<const Flag*> inherited_flags(const Command& cmd) {
  std::vector<const Flag*> out;
  for (const Command* c = cmd.parent; c; c = c->parent) {
    // Only the root's flags are persistent (global) in kubeadm's tree.
    if (c->parent == nullptr)
      for (const auto& f : c->flags)
        if (visible(f)) out.push_back(&f);
  }
  return out;
}

}  // namespace

std::string render_help(const Command& cmd) {
  std::string out;
  std::string description = cmd.long_help.empty() ? cmd.short_help : cmd.long_help;
  out += trim_right(description) + "\n\n";
  if (cmd.extra_help) out += cmd.extra_help();

  std::vector<const Command*> subs;
  for (const auto& c : cmd.children)
    if (!c->hidden) subs.push_back(c.get());

  out += "Usage:";
  if (cmd.run) {
    std::string use = cmd.path();
    if (!cmd.usage_args.empty()) use += " " + cmd.usage_args;
    out += "\n  " + use + " [flags]";
  }
  if (!subs.empty()) out += "\n  " + cmd.path() + " [command]";
  if (!cmd.aliases.empty()) {
    out += "\n\nAliases:\n  " + cmd.name;
    for (const auto& a : cmd.aliases) out += ", " + a;
  }
  if (!cmd.example.empty()) out += "\n\nExamples:\n" + trim_right(cmd.example);
  if (!subs.empty()) {
    size_t pad = 11;
    for (auto* s : subs) pad = std::max(pad, s->name.size() + 1);
    out += "\n\nAvailable Commands:";
    for (auto* s : subs) out += "\n  " + s->name + std::string(pad - s->name.size(), ' ') + " " + s->short_help;
  }
  std::vector<const Flag*> local;
  for (const auto& f : cmd.flags)
    if (visible(f)) local.push_back(&f);
  static const Flag help_flag{"help", 'h', "", static_cast<bool*>(nullptr)};
  Flag own_help = help_flag;
  own_help.usage = "help for " + cmd.name;
  local.push_back(&own_help);
  out += "\n\nFlags:\n" + trim_right(flag_usages(local));
  auto inherited = inherited_flags(cmd);
  if (!inherited.empty()) out += "\n\nGlobal Flags:\n" + trim_right(flag_usages(inherited));
  if (!subs.empty())
    out += "\n\nUse \"" + cmd.path() + " [command] --help\" for more information about a command.";
  out += "\n";
  return out;
}

namespace {

void collect(const Command& cmd, const std::string& key, std::string& cases,
             const std::vector<std::string>& global_flags) {
  std::vector<std::string> words;
  for (const auto& c : cmd.children)
    if (!c->hidden) words.push_back(c->name);
  for (const auto& f : cmd.flags)
    if (visible(f)) words.push_back("--" + f.name);
  for (const auto& g : global_flags) words.push_back(g);
  words.push_back("--help");
  std::string list;
  for (const auto& w : words) list += (list.empty() ? "" : " ") + w;
  cases += fmt::format("    \"{}\") words=\"{}\" ;;\n", key, list);
  for (const auto& c : cmd.children)
    if (!c->hidden) collect(*c, key + " " + c->name, cases, global_flags);
}

}  // namespace

std::string render_bash_completion(const Command& root) {
  std::vector<std::string> globals;
  for (const auto& f : root.flags)
    if (visible(f)) globals.push_back("--" + f.name);
  std::string cases;
  collect(root, root.name, cases, {});
  // Sub-commands inherit the root's global flags.
  std::string fn = "_" + root.name + "_complete";
  std::string g;
  for (const auto& w : globals) g += (g.empty() ? "" : " ") + w;
  return fmt::format(R"(# bash completion for {0}                                  -*- shell-script -*-
# Load with: source <({0} completion bash)
{1}() {{
  local cur path word words i
  cur="${{COMP_WORDS[COMP_CWORD]}}"
  path="{0}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${{COMP_WORDS[i]}}"
    case "$word" in
      -*) ;;
      *) case "$path $word" in
{2}           *) ;;
         esac
         if __{0}_known "$path $word"; then path="$path $word"; fi ;;
    esac
  done
  words=""
  case "$path" in
{3}  esac
  if [[ "$path" != "{0}" ]]; then words="$words {4}"; fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
__{0}_known() {{
  case "$1" in
{5}    *) return 1 ;;
  esac
}}
complete -o default -F {1} {0}
)",
                     root.name, fn, "", cases, g, [&] {
                       std::string known;
                       std::function<void(const Command&, const std::string&)> walk =
                           [&](const Command& c, const std::string& key) {
                             known += fmt::format("    \"{}\") return 0 ;;\n", key);
                             for (const auto& ch : c.children)
                               if (!ch->hidden) walk(*ch, key + " " + ch->name);
                           };
                       walk(root, root.name);
                       return known;
                     }());
}

std::string render_zsh_completion(const Command& root) {
  return fmt::format("#compdef {0}\n# Load with: source <({0} completion zsh)\n"
                     "autoload -U +X bashcompinit && bashcompinit\n{1}",
                     root.name, render_bash_completion(root));
}

}  // namespace kadm::cli
