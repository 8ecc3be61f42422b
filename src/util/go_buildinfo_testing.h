// For tests: a minimal ELF file for this machine that carries Go build info (util/go_buildinfo.h)
// in the layout Go 1.18 and later write.
#pragma once

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kadm::gobuild::testing {

inline void append_uvarint_string(std::string& out, std::string_view s) {
  for (uint64_t n = s.size();; n >>= 7) {
    if (n < 0x80) {
      out += static_cast<char>(n);
      break;
    }
    out += static_cast<char>((n & 0x7f) | 0x80);
  }
  out += s;
}

// `settings` are the module info's lines ("build\t-ldflags=...\n"); `flags` the header's flags
// byte (2: inline strings, Go 1.18 and later).
inline std::string go_elf(std::string_view settings, uint8_t flags = 2,
                          uint16_t machine =
#if defined(__aarch64__)
                              EM_AARCH64
#else
                              EM_X86_64
#endif
) {
  std::string info(32, '\0');
  std::memcpy(info.data(), "\xff Go buildinf:", 14);
  info[14] = 8;
  info[15] = static_cast<char>(flags);
  append_uvarint_string(info, "go1.19.8");
  std::string modinfo = std::string(16, '0') + "path\texample.com/demo\n" + std::string(settings) +
                        std::string(16, '9');
  append_uvarint_string(info, modinfo);

  const std::string names = std::string("\0.shstrtab\0.go.buildinfo\0", 25);
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC;
  eh.e_machine = machine;
  eh.e_version = EV_CURRENT;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = 3;
  eh.e_shstrndx = 1;
  const uint64_t names_at = sizeof(Elf64_Ehdr), info_at = names_at + names.size();
  eh.e_shoff = info_at + info.size();
  Elf64_Shdr sh[3]{};
  sh[1].sh_name = 1;
  sh[1].sh_type = SHT_STRTAB;
  sh[1].sh_offset = names_at;
  sh[1].sh_size = names.size();
  sh[2].sh_name = 11;
  sh[2].sh_type = SHT_PROGBITS;
  sh[2].sh_offset = info_at;
  sh[2].sh_size = info.size();

  std::string elf(reinterpret_cast<const char*>(&eh), sizeof eh);
  elf += names;
  elf += info;
  elf.append(reinterpret_cast<const char*>(sh), sizeof sh);
  return elf;
}

}  // namespace kadm::gobuild::testing
