// Traps: breakpoints resume, kernel faults are recovered where a recovery
// point is set, the kernel map is W^X with guard pages under boot stacks.
#include "core/boot/ktest.h"
#include "hal/hal.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/kmap.h"
#include "hal/riscv/memlayout.h"
#include "hal/riscv/memory.h"
#include "hal/riscv/probe.h"
#include "hal/riscv/trap.h"
#include "hal/riscv/uaccess_window.h"

using namespace tine;
using namespace tine::hal::riscv;

namespace {
u64 g_breakpoints = 0;
u64 g_breakpoint_cause = 0;

bool count_breakpoint(TrapFrame& f) {
  g_breakpoints++;
  g_breakpoint_cause = f.scause;
  return true;
}

// What the breakpoint handler saw of sstatus.SUM: live, and in the frame.
u64 g_handler_sum = ~0ull;
u64 g_frame_sum = 0;

bool record_sum(TrapFrame& f) {
  g_handler_sum = read_sstatus() & kSstatusSUM;
  g_frame_sum = f.sstatus & kSstatusSUM;
  return true;
}

bool mapped_with(uptr va, Prot want, Prot refuse) {
  KernelPageTable::Mapping m;
  if (!kernel_page_table().lookup(va, m)) return false;
  return has(m.prot, want) && !has_any(m.prot, refuse);
}

void text_marker() {}
const int rodata_marker = 42;
int data_marker = 1;
}  // namespace

KTEST(trap_breakpoint_resumes) {
  g_breakpoints = 0;
  set_breakpoint_hook(count_breakpoint);
  asm volatile("ebreak" ::: "memory");
  asm volatile("ebreak" ::: "memory");
  set_breakpoint_hook(nullptr);
  KT_CHECK_EQ(g_breakpoints, 2u);
  KT_CHECK_EQ(g_breakpoint_cause, u64(Exception::Breakpoint));
}

// With the uaccess window (uaccess_window.h), a trap taken with user access
// on (as inside copyin) runs its handler with SUM clear, and the
// interrupted code gets SUM back on return. Without it, SUM is on in the
// handler and after, as everywhere.
KTEST(trap_entry_sum_follows_uaccess_policy) {
  g_handler_sum = ~0ull;
  g_frame_sum = 0;
  set_breakpoint_hook(record_sum);
  const hal::IrqState irq = hal::irq_save();
  const u64 before = read_sstatus() & kSstatusSUM;
  set_sstatus(kSstatusSUM);
  asm volatile("ebreak" ::: "memory");
  const u64 after = read_sstatus() & kSstatusSUM;
  if (!before) clear_sstatus(kSstatusSUM);
  hal::irq_restore(irq);
  set_breakpoint_hook(nullptr);
  KT_CHECK_EQ(before, kSstatusSumAlways);
  KT_CHECK_EQ(g_handler_sum, kSstatusSumAlways);
  KT_CHECK(g_frame_sum != 0);
  KT_CHECK(after != 0);
}

KTEST(trap_kernel_fault_is_recovered) {
  u64 value = 0;
  // User space is unmapped in the kernel map (SUM may be on: uaccess_window.h).
  KT_CHECK(!probe_load(0x1000, &value));
  KT_CHECK(!probe_store(0x1000, 7));
  // A mapped word still reads through the same path.
  u64 here = 0x1234;
  KT_CHECK(probe_load(reinterpret_cast<uptr>(&here), &value));
  KT_CHECK_EQ(value, 0x1234u);
}

KTEST(kernel_map_is_w_xor_x) {
  KT_CHECK(mapped_with(reinterpret_cast<uptr>(&text_marker),
                       Prot::Read | Prot::Exec, Prot::Write | Prot::User));
  KT_CHECK(mapped_with(reinterpret_cast<uptr>(&rodata_marker), Prot::Read,
                       Prot::Write | Prot::Exec | Prot::User));
  KT_CHECK(mapped_with(reinterpret_cast<uptr>(&data_marker),
                       Prot::Read | Prot::Write, Prot::Exec | Prot::User));
  // Writing text faults (recovered).
  KT_CHECK(!probe_store(reinterpret_cast<uptr>(&text_marker) & ~uptr(7), 0));
}

KTEST(boot_stack_guard_pages_fault) {
  for (unsigned h = 0; h < BOOT_MAX_HARTS; h++) {
    uptr guard = reinterpret_cast<uptr>(boot_stacks) +
                 uptr(h) * (BOOT_STACK_GUARD + BOOT_STACK_SIZE);
    u64 v;
    KT_CHECK(!probe_load(guard, &v));
    KT_CHECK(!probe_load(guard + BOOT_STACK_GUARD - 8, &v));
    KT_CHECK(probe_load(guard + BOOT_STACK_GUARD, &v));
  }
}

KTEST(direct_map_covers_ram) {
  // The page the kernel image starts at, seen through the direct map, holds
  // the same bytes as the image mapping.
  auto* image = reinterpret_cast<const u32*>(image_virt_start());
  auto* direct = static_cast<const u32*>(hal::phys_to_virt(image_phys_start()));
  KT_CHECK_EQ(image[14], direct[14]);  // magic2 "RSC\x05"
  KT_CHECK_EQ(direct[14], 0x05435352u);
}
