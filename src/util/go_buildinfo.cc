#include "util/go_buildinfo.h"

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <vector>

namespace kadm::gobuild {
namespace {

// The layout cmd/link writes and debug/buildinfo reads: a 32-byte header (magic, pointer size,
// flags), then, with the "inline" flag (Go 1.18 and later), the Go version and the module info
// as varint-prefixed strings.
constexpr std::string_view kMagic = "\xff Go buildinf:";
constexpr size_t kHeaderSize = 32;
constexpr size_t kFlagsOffset = 15;
constexpr uint8_t kFlagBigEndian = 0x1;
constexpr uint8_t kFlagInline = 0x2;
// The module info is framed by two 16-byte sentinels (cmd/go's infoStart and infoEnd).
constexpr size_t kSentinelSize = 16;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__x86_64__)
constexpr uint16_t kMachine = EM_X86_64;
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__aarch64__)
constexpr uint16_t kMachine = EM_AARCH64;
#else
constexpr uint16_t kMachine = EM_NONE;  // elsewhere kadm never reads build info
#endif

template <typename T>
bool load(std::string_view bytes, uint64_t offset, T* out) {
  if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
  std::memcpy(out, bytes.data() + offset, sizeof(T));
  return true;
}

// The contents of the section named `wanted`, when `elf` is an ELF file this machine runs.
std::optional<std::string_view> section(std::string_view elf, std::string_view wanted) {
  Elf64_Ehdr eh;
  if (kMachine == EM_NONE || !load(elf, 0, &eh)) return std::nullopt;
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != kMachine)
    return std::nullopt;
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shstrndx >= eh.e_shnum ||
      eh.e_shoff > elf.size())
    return std::nullopt;
  auto header = [&](uint64_t index, Elf64_Shdr* sh) {
    return load(elf, eh.e_shoff + index * sizeof(Elf64_Shdr), sh);
  };
  auto contents = [&](const Elf64_Shdr& sh) -> std::optional<std::string_view> {
    if (sh.sh_type == SHT_NOBITS || sh.sh_offset > elf.size() ||
        elf.size() - sh.sh_offset < sh.sh_size)
      return std::nullopt;
    return elf.substr(sh.sh_offset, sh.sh_size);
  };
  Elf64_Shdr strtab;
  if (!header(eh.e_shstrndx, &strtab)) return std::nullopt;
  auto names = contents(strtab);
  if (!names) return std::nullopt;
  for (uint64_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    if (!header(i, &sh)) return std::nullopt;
    if (sh.sh_name >= names->size()) continue;
    std::string_view name = names->substr(sh.sh_name);
    if (name.substr(0, name.find('\0')) == wanted) return contents(sh);
  }
  return std::nullopt;
}

// A string with a uvarint length in front (encoding/binary), taken off the front of `in`.
std::optional<std::string_view> take_string(std::string_view* in) {
  uint64_t length = 0;
  size_t i = 0;
  for (int shift = 0;; shift += 7, ++i) {
    if (i >= in->size() || shift > 63) return std::nullopt;
    auto byte = static_cast<uint8_t>((*in)[i]);
    length |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) break;
  }
  ++i;
  if (in->size() - i < length) return std::nullopt;
  std::string_view s = in->substr(i, length);
  in->remove_prefix(i + length);
  return s;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A value as runtime/debug quotes one that holds spaces or quotes (strconv.Quote). Only the
// escapes strconv.Quote writes for printable ASCII and control bytes are understood; anything
// else makes the value unreadable (nullopt) rather than misread.
std::optional<std::string> unquote(std::string_view q) {
  if (q.size() < 2 || q.front() != '"' || q.back() != '"') return std::nullopt;
  std::string out;
  const size_t end = q.size() - 1;
  for (size_t i = 1; i < end; ++i) {
    char c = q[i];
    if (c == '"') return std::nullopt;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= end) return std::nullopt;
    switch (q[i]) {
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'x': {
        if (end - i < 3) return std::nullopt;
        int hi = hex_digit(q[i + 1]), lo = hex_digit(q[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default: return std::nullopt;
    }
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// cmd/internal/quoted.Split, which cmd/go applies to -ldflags: fields separated by white space;
// a field that starts with ' or " runs to the next same quote, with no escapes inside.
std::optional<std::vector<std::string_view>> split_quoted(std::string_view s) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (true) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i == s.size()) return fields;
    if (s[i] == '\'' || s[i] == '"') {
      size_t close = s.find(s[i], i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      fields.push_back(s.substr(i + 1, close - i - 1));
      i = close + 1;
      continue;
    }
    size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    fields.push_back(s.substr(start, i - start));
  }
}

bool names_variable(std::string_view symbol, std::string_view name) {
  constexpr std::string_view kVendor = "/vendor/";
  if (symbol == name) return true;
  return symbol.size() > name.size() + kVendor.size() && symbol.ends_with(name) &&
         symbol.substr(0, symbol.size() - name.size()).ends_with(kVendor);
}

}  // namespace

std::optional<std::string> build_setting(std::string_view elf, std::string_view key) {
  auto data = section(elf, ".go.buildinfo");
  if (!data || data->size() < kHeaderSize || !data->starts_with(kMagic)) return std::nullopt;
  auto flags = static_cast<uint8_t>((*data)[kFlagsOffset]);
  if (!(flags & kFlagInline) || (flags & kFlagBigEndian)) return std::nullopt;
  std::string_view rest = data->substr(kHeaderSize);
  auto go_version = take_string(&rest);
  auto modinfo = go_version ? take_string(&rest) : std::nullopt;
  if (!modinfo || modinfo->size() < 2 * kSentinelSize + 1 ||
      (*modinfo)[modinfo->size() - kSentinelSize - 1] != '\n')
    return std::nullopt;
  std::string_view info = modinfo->substr(kSentinelSize, modinfo->size() - 2 * kSentinelSize);
  // One setting per line: "build\tKEY=VALUE", VALUE quoted when it holds spaces or quotes.
  constexpr std::string_view kBuild = "build\t";
  while (!info.empty()) {
    size_t nl = info.find('\n');
    std::string_view line = info.substr(0, nl);
    info.remove_prefix(nl == std::string_view::npos ? info.size() : nl + 1);
    if (!line.starts_with(kBuild)) continue;
    line.remove_prefix(kBuild.size());
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || line.substr(0, eq) != key) continue;
    std::string_view value = line.substr(eq + 1);
    if (value.starts_with('"')) return unquote(value);
    return std::string(value);
  }
  return std::nullopt;
}

std::optional<std::string> x_flag(std::string_view ldflags, std::string_view name) {
  auto fields = split_quoted(ldflags);
  if (!fields) return std::nullopt;
  std::optional<std::string> value;
  for (size_t i = 0; i < fields->size(); ++i) {
    std::string_view f = (*fields)[i], assignment;
    if (f == "-X" || f == "--X") {
      if (i + 1 == fields->size()) break;
      assignment = (*fields)[++i];
    } else if (f.starts_with("-X=")) {
      assignment = f.substr(3);
    } else if (f.starts_with("--X=")) {
      assignment = f.substr(4);
    } else {
      continue;
    }
    size_t eq = assignment.find('=');
    if (eq != std::string_view::npos && names_variable(assignment.substr(0, eq), name))
      value = std::string(assignment.substr(eq + 1));
  }
  return value;
}

}  // namespace kadm::gobuild
