// core/proc/vdso: the real riscv vDSO image (hal/host embeds the same
// bytes the kernel does) mapped into a space as exec maps it: the data page
// and the image at their addresses, the trampoline inside the image and at
// the symbol the ELF names, fork sharing it, mprotect never making it
// writable, munmap in one space leaving the others theirs.
#include <catch2/catch.hpp>

#include <elf.h>

#include <cstring>

#include "core/proc/proc.h"
#include "core/proc/vdso.h"
#include "core/vm/vm.h"
#include "hal/vdso.h"
#include "test/host/vm_test_util.h"

using namespace tine;
using namespace tine::test;

TEST_CASE("vdso: mapped as exec maps it, sigreturn pc inside, kept by fork") {
  VmMachine m;
  const size_t before = m.free_pages();
  const hal::VdsoImage im = hal::vdso_image();
  REQUIRE(im.size > sizeof(Elf64_Ehdr));
  REQUIRE(std::memcmp(im.data, ELFMAG, SELFMAG) == 0);
  REQUIRE(vdso_init().ok());

  Result<VmSpace*> vs = vmspace_create();
  REQUIRE(vs.ok());
  Result<uptr> base = vdso_map(vs.value());
  REQUIRE(base.ok());
  CHECK(base.value() == kVdsoDataAddr + kPageSize);
  CHECK(vm_vdso_base(vs.value()) == base.value());

  // The image reads back at its address; the data page is below it.
  for (size_t off = 0; off < im.size; off += 97) CHECK(peek(vs.value(), base.value() + off) == im.data[off]);
  CHECK(peek(vs.value(), kVdsoDataAddr) == 0);  // the host HAL leaves it zero
  CHECK(frame_of(vs.value(), kVdsoDataAddr) != 0);
  CHECK(rights_of(vs.value(), kVdsoDataAddr) == Prot::Read);
  CHECK(rights_of(vs.value(), base.value()) == (Prot::Read | Prot::Exec));

  Proc p;
  p.p_vmspace = vs.value();
  const uptr pc = vdso_sigreturn_pc(&p);
  const uptr off = vdso_symbol_offset("__vdso_rt_sigreturn");
  CHECK(off != 0);
  CHECK(pc == base.value() + off);
  CHECK(pc > base.value());
  CHECK(pc + 8 <= base.value() + im.size);
  // li a7, 139; ecall
  u32 insn[2];
  std::memcpy(insn, im.data + off, sizeof insn);
  CHECK(insn[0] == 0x08b00893u);
  CHECK(insn[1] == 0x00000073u);
  for (const char* name : {"__vdso_clock_gettime", "__vdso_gettimeofday",
                           "__vdso_clock_getres", "__vdso_getcpu"})
    CHECK(vdso_symbol_offset(name) != 0);
  CHECK(vdso_symbol_offset("__vdso_nothing") == 0);

  // Fork keeps the mapping and its base: the same frames, shared.
  Result<VmSpace*> child = vmspace_fork(vs.value());
  REQUIRE(child.ok());
  CHECK(vm_vdso_base(child.value()) == base.value());
  CHECK(peek(child.value(), pc) == im.data[off]);
  CHECK(frame_of(child.value(), pc) == frame_of(vs.value(), pc));

  // Never writable, in any space: mprotect refuses (EACCES), and a write
  // fault is refused; fewer rights are fine.
  CHECK(!vm_fault(vs.value(), pc, Access::Write).ok());
  const uptr text = align_down(pc, kPageSize);
  Result<void> w = vm_protect(vs.value(), text, kPageSize, Prot::Read | Prot::Write);
  REQUIRE(!w.ok());
  CHECK(w.error() == Error::Access);
  CHECK(vm_protect(child.value(), kVdsoDataAddr, kPageSize, Prot::Write).error() ==
        Error::Access);
  CHECK(vm_protect(vs.value(), kVdsoDataAddr, 2 * kPageSize, Prot::Read).ok());
  CHECK(rights_of(vs.value(), text) == Prot::Read);
  CHECK(peek(vs.value(), pc) == im.data[off]);
  CHECK(rights_of(child.value(), text) == (Prot::Read | Prot::Exec));

  // Unmapped in one space, the pages stay for the others.
  REQUIRE(vm_unmap(vs.value(), kVdsoDataAddr, 2 * kPageSize).ok());
  CHECK(frame_of(vs.value(), pc) == 0);
  CHECK(peek(child.value(), pc) == im.data[off]);

  // No vDSO for a process without a space.
  Proc kthread;
  CHECK(vdso_sigreturn_pc(&kthread) == 0);

  p.p_vmspace = nullptr;
  vmspace_release(child.value());
  vmspace_release(vs.value());
  vdso_fini();
  CHECK(m.free_pages() == before);
}
