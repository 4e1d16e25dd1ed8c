// Core dumps (core/proc/coredump.h): the file name core_pattern gives, the
// pattern's store, the note layouts against the host's <elf.h> and
// <sys/procfs.h> (the same on every 64-bit Linux up to pr_reg), and what
// the dumper reads of a space: touched pages, holes for untouched ones, no
// data for a mapping without Read.
#include <catch2/catch.hpp>

#include <elf.h>
#include <sys/procfs.h>

#include <cstddef>
#include <cstring>

#include "core/proc/core_elf.h"
#include "core/proc/core_pattern.h"
#include "core/vm/vm.h"
#include "core/vm/vm_dump.h"
#include "test/host/vm_test_util.h"

using namespace tine;
using namespace tine::test;

namespace {
std::string name_of(const char* pattern, const CoreNameArgs& a, size_t n = 256) {
  char out[256];
  if (!core_name(pattern, a, out, n)) return "<none>";
  return out;
}
}  // namespace

TEST_CASE("coredump: core_pattern's specifiers, as Linux's format_corename") {
  const CoreNameArgs a{.pid = 42, .comm = "a/b", .sig = 11, .uid = 1000, .gid = 100};
  CHECK(name_of("core", a) == "core");
  CHECK(name_of("core.%p", a) == "core.42");
  CHECK(name_of("/tmp/%e-%s-%u-%g-%%", a) == "/tmp/a!b-11-1000-100-%");
  CHECK(name_of("x%zy%", a) == "xy");  // unknown and trailing '%' give nothing
  CHECK(name_of("|/usr/bin/catch", a) == "<none>");  // a pipe: no dump here
  CHECK(name_of("%z", a) == "<none>");               // an empty name
  CHECK(name_of("core.%p", a, 8) == "core.42");
  CHECK(name_of("core.%p", a, 7) == "<none>");  // no room for the NUL
}

TEST_CASE("coredump: core_pattern takes a write up to its newline, refuses 128 bytes") {
  char now[kCorePatternMax];
  core_pattern_get(now);
  CHECK(std::strcmp(now, "core") == 0);
  REQUIRE(core_pattern_set("cores/%e.%p\n", 12).ok());
  core_pattern_get(now);
  CHECK(std::strcmp(now, "cores/%e.%p") == 0);
  char big[kCorePatternMax + 1];
  std::memset(big, 'c', sizeof big);
  CHECK(core_pattern_set(big, kCorePatternMax).error() == Error::Inval);
  core_pattern_get(now);
  CHECK(std::strcmp(now, "cores/%e.%p") == 0);
  REQUIRE(core_pattern_set(kCorePattern, sizeof kCorePattern - 1).ok());
}

TEST_CASE("coredump: the note layouts are Linux's") {
  using namespace core_elf;
  STATIC_REQUIRE(sizeof(Ehdr) == sizeof(Elf64_Ehdr));
  STATIC_REQUIRE(offsetof(Ehdr, e_phnum) == offsetof(Elf64_Ehdr, e_phnum));
  STATIC_REQUIRE(sizeof(Phdr) == sizeof(Elf64_Phdr));
  STATIC_REQUIRE(offsetof(Phdr, p_filesz) == offsetof(Elf64_Phdr, p_filesz));
  STATIC_REQUIRE(kNtPrstatus == NT_PRSTATUS && kNtPrfpreg == NT_PRFPREG &&
                 kNtPrpsinfo == NT_PRPSINFO && kNtAuxv == NT_AUXV && kNtSiginfo == NT_SIGINFO &&
                 kNtFile == NT_FILE);
  STATIC_REQUIRE(kEtCore == ET_CORE && kEmRiscv == EM_RISCV && kPtNote == PT_NOTE);
  STATIC_REQUIRE(offsetof(PrStatus, pr_cursig) == offsetof(elf_prstatus, pr_cursig));
  STATIC_REQUIRE(offsetof(PrStatus, pr_sigpend) == offsetof(elf_prstatus, pr_sigpend));
  STATIC_REQUIRE(offsetof(PrStatus, pr_pid) == offsetof(elf_prstatus, pr_pid));
  STATIC_REQUIRE(offsetof(PrStatus, pr_sid) == offsetof(elf_prstatus, pr_sid));
  STATIC_REQUIRE(offsetof(PrStatus, pr_utime) == offsetof(elf_prstatus, pr_utime));
  STATIC_REQUIRE(offsetof(PrStatus, pr_reg) == offsetof(elf_prstatus, pr_reg));
  STATIC_REQUIRE(sizeof(PrPsInfo) == sizeof(elf_prpsinfo));
  STATIC_REQUIRE(offsetof(PrPsInfo, pr_pid) == offsetof(elf_prpsinfo, pr_pid));
  STATIC_REQUIRE(offsetof(PrPsInfo, pr_fname) == offsetof(elf_prpsinfo, pr_fname));
  STATIC_REQUIRE(offsetof(PrPsInfo, pr_psargs) == offsetof(elf_prpsinfo, pr_psargs));
  CHECK(note_size(376) == 12 + 8 + 376);
  CHECK(note_size(6) == 12 + 8 + 8);
}

TEST_CASE("coredump: the dumper reads touched pages, holes for the rest, nothing unreadable") {
  VmMachine m;
  Result<VmSpace*> r = vmspace_create();
  REQUIRE(r.ok());
  VmSpace* vs = r.value();
  constexpr uptr kBase = 0x100000;
  const Prot rw = Prot::Read | Prot::Write;
  REQUIRE(vm_map_anon(vs, kBase, 4 * kPageSize, rw, MapShare::Private, true).ok());
  REQUIRE(vm_map_anon(vs, kBase + 8 * kPageSize, kPageSize, Prot::None, MapShare::Private, true)
              .ok());
  poke(vs, kBase + kPageSize + 5, 0x5a);

  VmDumpRegion regs[4];
  REQUIRE(vm_dump_regions(vs, regs, 4) == 2);
  CHECK(vm_dump_regions(vs, regs, 1) == 2);  // the count, whatever the room
  CHECK(regs[0].start == kBase);
  CHECK(regs[0].end == kBase + 4 * kPageSize);
  CHECK(regs[0].prot == rw);
  CHECK_FALSE(regs[0].file);
  CHECK(regs[1].prot == Prot::None);

  const u64 resident = vm_resident_pages(vs);
  static u8 buf[kPageSize];
  CHECK(vm_dump_page(vs, kBase + kPageSize, buf));
  CHECK(buf[5] == 0x5a);
  CHECK_FALSE(vm_dump_page(vs, kBase, buf));                  // never touched: a hole
  CHECK_FALSE(vm_dump_page(vs, kBase + 8 * kPageSize, buf));  // PROT_NONE
  CHECK_FALSE(vm_dump_page(vs, kBase + 5 * kPageSize, buf));  // unmapped
  CHECK(vm_resident_pages(vs) == resident);  // the dump made no page
  vmspace_release(vs);
}
