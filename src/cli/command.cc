#include "cli/command.h"

#include <CLI/CLI.hpp>

namespace kadm::cli {

std::string Flag::type_name() const {
  struct Visitor {
    std::string operator()(bool*) const { return ""; }
    std::string operator()(std::string*) const { return "string"; }
    std::string operator()(std::vector<std::string>*) const { return "strings"; }
    std::string operator()(int*) const { return "int32"; }
    std::string operator()(Duration*) const { return "duration"; }
    std::string operator()(std::map<std::string, std::string>*) const { return "mapStringString"; }
  };
  if (name == "v") return "Level";
  return std::visit(Visitor{}, target);
}

Command& Command::add(std::unique_ptr<Command> child) {
  child->parent = this;
  children.push_back(std::move(child));
  return *children.back();
}

Command& Command::add(std::string child_name, std::string child_short) {
  return add(std::make_unique<Command>(std::move(child_name), std::move(child_short)));
}

Flag& Command::flag(Flag f) {
  flags.push_back(std::move(f));
  return flags.back();
}

Flag& Command::flag(std::string n, std::string usage, std::string* target, std::string def) {
  return flag(Flag{std::move(n), 0, std::move(usage), target, std::move(def)});
}
Flag& Command::flag(std::string n, std::string usage, bool* target) {
  return flag(Flag{std::move(n), 0, std::move(usage), target, *target ? "true" : ""});
}
Flag& Command::flag(std::string n, std::string usage, std::vector<std::string>* target) {
  return flag(Flag{std::move(n), 0, std::move(usage), target, ""});
}
Flag& Command::flag(std::string n, std::string usage, int* target, std::string def) {
  return flag(Flag{std::move(n), 0, std::move(usage), target, std::move(def)});
}
Flag& Command::flag(std::string n, std::string usage, Duration* target, std::string def) {
  return flag(Flag{std::move(n), 0, std::move(usage), target, std::move(def)});
}
Flag& Command::flag(std::string n, std::string usage, std::map<std::string, std::string>* target) {
  return flag(Flag{std::move(n), 0, std::move(usage), target, ""});
}

std::string Command::path() const { return parent ? parent->path() + " " + name : name; }

const Command* Command::find_child(const std::string& n) const {
  for (const auto& c : children) {
    if (c->name == n) return c.get();
    for (const auto& a : c->aliases)
      if (a == n) return c.get();
  }
  return nullptr;
}

const Flag* Command::find_flag(const std::string& n) const {
  for (const auto& f : flags)
    if (f.name == n) return &f;
  return nullptr;
}

bool Invocation::changed(const std::string& flag_name) const {
  for (const Command* c = &cmd_; c; c = c->parent) {
    if (const Flag* f = c->find_flag(flag_name); f && f->option) return f->option->count() > 0;
  }
  return false;
}

std::vector<std::string> Invocation::changed_flags() const {
  std::vector<std::string> out;
  for (const Command* c = &cmd_; c; c = c->parent) {
    for (const auto& f : c->flags)
      if (f.option && f.option->count() > 0) out.push_back(f.name);
  }
  return out;
}

}  // namespace kadm::cli
