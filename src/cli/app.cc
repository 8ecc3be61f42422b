#include "cli/app.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <deque>
#include <functional>
#include <iostream>

#include "cli/help.h"
#include "util/error.h"
#include "util/log.h"

namespace kadm::cli {
namespace {

struct Built {
  Command* cmd;
  CLI::App* app;
  bool help = false;
  std::vector<std::string> positionals;
};

// CLI11 reports bad values with its own words; turn them into "invalid argument" lines.
std::string bad_value(const std::string& flag, const std::string& value, const std::string& type) {
  return fmt::format("invalid argument \"{}\" for \"--{}\" flag: expected {}", value, flag, type);
}

void bind_flag(CLI::App* app, Flag& f) {
  std::string names = f.shorthand ? fmt::format("-{},--{}", f.shorthand, f.name) : "--" + f.name;
  struct Binder {
    CLI::App* app;
    Flag& f;
    const std::string& names;
    CLI::Option* operator()(bool* t) const { return app->add_flag(names, *t, f.usage); }
    CLI::Option* operator()(std::string* t) const { return app->add_option(names, *t, f.usage); }
    CLI::Option* operator()(std::vector<std::string>* t) const {
      return app->add_option(names, *t, f.usage)->delimiter(',')->allow_extra_args(false);
    }
    CLI::Option* operator()(int* t) const { return app->add_option(names, *t, f.usage); }
    CLI::Option* operator()(Duration* t) const {
      std::string flag_name = f.name;
      return app->add_option_function<std::string>(
          names,
          [t, flag_name](const std::string& v) {
            auto d = parse_duration(v);
            if (!d) throw CLI::ValidationError(bad_value(flag_name, v, "a duration such as 24h0m0s"));
            *t = *d;
          },
          f.usage);
    }
    CLI::Option* operator()(std::map<std::string, std::string>* t) const {
      std::string flag_name = f.name;
      return app
          ->add_option_function<std::vector<std::string>>(
              names,
              [t, flag_name](const std::vector<std::string>& items) {
                for (const auto& item : items) {
                  auto eq = item.find('=');
                  if (eq == std::string::npos)
                    throw CLI::ValidationError(bad_value(flag_name, item, "key=value pairs"));
                  (*t)[item.substr(0, eq)] = item.substr(eq + 1);
                }
              },
              f.usage)
          ->delimiter(',');
    }
  };
  f.option = std::visit(Binder{app, f, names}, f.target);
}

// Whether `arg` ("--name", "-n", without "=value") is a flag of a command on `path` that takes a
// value as the next word.
bool takes_value(const std::vector<Command*>& path, const std::string& arg) {
  if (arg.find('=') != std::string::npos) return false;
  std::string name = arg.rfind("--", 0) == 0 ? arg.substr(2) : arg.substr(1);
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    for (const auto& f : (*it)->flags) {
      bool match = name.size() == 1 ? (f.shorthand == name[0] || f.name == name) : f.name == name;
      if (match) return !std::holds_alternative<bool*>(f.target);
    }
  }
  return false;
}

// Walks the words of the command line that are not flags or flag values, with `path` growing
// from the root; `visit` returns false to stop.
void walk_words(std::vector<Command*>& path, const std::vector<std::string>& args,
                const std::function<bool(const std::string&)>& visit) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (a.size() > 1 && a[0] == '-') {
      if (takes_value(path, a)) ++i;
      continue;
    }
    if (!visit(a)) break;
  }
}

// The commands the words on the command line name, root first. Only this chain is handed to CLI11:
// building every command's options would cost more than most commands take to run.
std::vector<Command*> select_path(Command& root, const std::vector<std::string>& args) {
  std::vector<Command*> path = {&root};
  walk_words(path, args, [&](const std::string& word) {
    const Command* child = path.back()->find_child(word);
    if (!child) return false;  // a positional argument, or an unknown command CLI11 will report
    path.push_back(const_cast<Command*>(child));
    return true;
  });
  return path;
}

void build(Command& cmd, CLI::App* app, std::deque<Built>& all, const std::vector<Command*>& path,
           size_t depth) {
  all.push_back(Built{&cmd, app, false, {}});
  size_t index = all.size() - 1;
  app->set_help_flag();  // help is ours, rendered cobra-style
  app->add_flag("-h,--help", all[index].help, "help");
  for (auto& f : cmd.flags) bind_flag(app, f);
  if (cmd.max_args != 0) app->add_option("args", all[index].positionals, "arguments");
  if (depth + 1 < path.size()) {
    Command& child = *path[depth + 1];
    CLI::App* sub = app->add_subcommand(child.name, child.short_help);
    for (const auto& alias : child.aliases) sub->alias(alias);
    sub->fallthrough();  // global flags may follow sub-commands, as with cobra
    build(child, sub, all, path, depth + 1);
  }
  app->require_subcommand(0, 1);
}

std::string help_hint(const Command& cmd) {
  return fmt::format("run '{} --help' for usage", cmd.path());
}

// Maps a CLI11 parse failure to kubeadm-like words about the deepest command reached.
int usage_error(const Command& cmd, const std::string& message) {
  std::cerr << "error: " << message << "; " << help_hint(cmd) << "\n";
  return kExitUsage;
}

}  // namespace

std::optional<std::string> first_word(Command& root, const std::vector<std::string>& args) {
  std::vector<Command*> path = {&root};
  std::optional<std::string> word;
  walk_words(path, args, [&](const std::string& w) {
    word = w;
    return false;
  });
  return word;
}

int run(Command& root, const std::vector<std::string>& args) {
  CLI::App app{root.short_help, root.name};
  app.allow_windows_style_options(false);
  std::deque<Built> all;  // stable addresses: CLI11 keeps pointers into each element
  build(root, &app, all, select_path(root, args), 0);

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  // The deepest command the words name, for error messages.
  Built* selected = &all.front();
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    for (auto& b : all)
      if (b.app->parsed()) selected = &b;
    Command& cmd = *selected->cmd;
    std::string what = e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
      // Either an unknown sub-command / phase, or an unknown flag.
      // "The following argument(s) was/were not expected: a b". An unknown flag explains the
      // stray words after it, so report a flag first.
      std::vector<std::string> words;
      if (auto colon = what.find(": "); colon != std::string::npos) {
        std::string rest = what.substr(colon + 2);
        for (size_t pos = 0; pos <= rest.size();) {
          size_t sp = rest.find(' ', pos);
          std::string w = rest.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
          if (!w.empty()) words.push_back(w);
          if (sp == std::string::npos) break;
          pos = sp + 1;
        }
      }
      std::string first = words.empty() ? "" : words.front();
      for (const auto& w : words)
        if (w.size() > 1 && w[0] == '-') {
          first = w;
          break;
        }
      if (!first.empty() && first[0] == '-') {
        std::string flag = first.substr(0, first.find('='));
        return usage_error(cmd, fmt::format("unknown flag {} for \"{}\"", flag, cmd.path()));
      }
      if (!cmd.children.empty())
        return usage_error(cmd, fmt::format("unknown command \"{}\" for \"{}\"", first, cmd.path()));
      return usage_error(cmd, fmt::format("\"{}\" takes no arguments, got \"{}\"", cmd.path(), first));
    }
    if (auto* ve = dynamic_cast<const CLI::ValidationError*>(&e)) {
      std::string m = ve->what();
      auto colon = m.find(": ");
      if (m.rfind("--", 0) == 0 && colon != std::string::npos) m = m.substr(colon + 2);
      return usage_error(cmd, m);
    }
    if (dynamic_cast<const CLI::ConversionError*>(&e)) {
      return usage_error(cmd, what);
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
      return usage_error(cmd, fmt::format("flag needs an argument: {}", what));
    }
    return usage_error(cmd, what);
  }
  for (auto& b : all)
    if (b.app->parsed()) selected = &b;
  Command& cmd = *selected->cmd;
  if (selected->help || !cmd.run) {
    std::cout << render_help(cmd);
    return kExitOK;
  }
  for (const Command* c = &cmd; c; c = c->parent) {
    for (const auto& f : c->flags) {
      if (!f.deprecated.empty() && f.option && f.option->count() > 0)
        std::cerr << fmt::format("Flag --{} has been deprecated, {}\n", f.name, f.deprecated);
    }
  }
  auto& pos = selected->positionals;
  if (static_cast<int>(pos.size()) < cmd.min_args ||
      (cmd.max_args >= 0 && static_cast<int>(pos.size()) > cmd.max_args)) {
    std::string expected =
        cmd.min_args == cmd.max_args
            ? fmt::format("exactly {}", cmd.min_args)
            : cmd.max_args < 0 ? fmt::format("at least {}", cmd.min_args)
                               : fmt::format("{} to {}", cmd.min_args, cmd.max_args);
    return usage_error(cmd, fmt::format("\"{}\" accepts {} argument(s), received {}", cmd.path(),
                                        expected, pos.size()));
  }
  Invocation inv(cmd, pos);
  try {
    for (const Command* c = &cmd; c; c = c->parent) {
      if (c->persistent_pre_run) {
        c->persistent_pre_run(inv);
        break;
      }
    }
    return cmd.run(inv);
  } catch (const Error& e) {
    std::cerr << "error: " << e.render() << "\n";
    log::v(5, "error exit code {}", e.exit_code());
    return e.exit_code();
  }
}

}  // namespace kadm::cli
