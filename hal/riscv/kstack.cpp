// Kernel stacks in their own area of the kernel map, each kKernelStackSize
// bytes over an unmapped guard page. A freed stack stays mapped and goes on
// a free list: reuse needs no TLB shootdown, and no other hart can hold a
// stale translation for a slot that never changes.
#include "core/vm/page_alloc.h"
#include "core/sync/spinlock.h"
#include "hal/hal.h"
#include "hal/riscv/kmap.h"
#include "hal/riscv/memlayout.h"

namespace tine::hal {

namespace {
constexpr uptr kSlotSize = 2 * kKernelStackSize;  // guard + stack + gap
constexpr unsigned kMaxSlots = KERNEL_STACK_AREA_SIZE / kSlotSize;
constexpr unsigned kPagesPerStack = kKernelStackSize / kPageSize;

SpinLock g_kstack_lock("kstack", LockRank::KernelStacks);
unsigned g_next_fresh_slot GUARDED_BY(g_kstack_lock) = 0;
// Freed slots, as a stack threaded through the slots' own top words.
uptr g_free_top GUARDED_BY(g_kstack_lock) = 0;
// Serialises changes to the shared kernel page table.
SpinLock g_kmap_lock("kmap", LockRank::KernelMap);

// Each hart keeps a few freed stacks of its own, so that a fork and a
// reap take no global lock (issue 11). Only its hart touches a cache, with
// interrupts off; a stack in one is as free as one on g_free_top.
constexpr unsigned kHartCacheStacks = 4;
struct alignas(64) HartStacks {
  unsigned n = 0;
  uptr base[kHartCacheStacks] = {};
};
HartStacks g_hart_stacks[kMaxCpus];

uptr slot_base(unsigned i) {
  return KERNEL_STACK_AREA_BASE + uptr(i) * kSlotSize + kPageSize;
}

bool map_fresh_slot(uptr base) {
  riscv::KernelPageTable& kt = riscv::kernel_page_table();
  for (unsigned p = 0; p < kPagesPerStack; p++) {
    Result<paddr_t> page = page_allocator().alloc(0);
    Result<void> r = page.ok() ? Result<void>() : Result<void>(page.error());
    if (r.ok()) {
      IrqSpinGuard guard(g_kmap_lock);
      r = kt.map(base + p * kPageSize, page.value(), kPageSize,
                 Prot::Read | Prot::Write | Prot::Global);
    }
    if (!r.ok()) {
      if (page.ok()) page_allocator().free(page.value(), 0);
      IrqSpinGuard guard(g_kmap_lock);
      kt.unmap(base, p * kPageSize, [](uptr, paddr_t pa, u64) {
        page_allocator().free(pa, 0);
      });
      return false;
    }
  }
  return true;
}
}  // namespace

bool kernel_stack_alloc(KernelStack& out) {
  uptr base = 0;
  {
    const IrqState s = irq_save();
    HartStacks& c = g_hart_stacks[cpu_index()];
    if (c.n) base = c.base[--c.n];
    irq_restore(s);
  }
  if (base) {
    out.base = base;
    out.top = base + kKernelStackSize;
    return true;
  }
  unsigned fresh = kMaxSlots;
  {
    IrqSpinGuard guard(g_kstack_lock);
    if (g_free_top) {
      base = g_free_top;
      g_free_top = *reinterpret_cast<uptr*>(base + kKernelStackSize - sizeof(uptr));
    } else if (g_next_fresh_slot < kMaxSlots) {
      fresh = g_next_fresh_slot++;
    } else {
      return false;
    }
  }
  if (!base) {
    base = slot_base(fresh);
    if (!map_fresh_slot(base)) {
      // Give the slot number back only if it is still the last one taken;
      // otherwise it is simply never used (slots are plentiful).
      IrqSpinGuard guard(g_kstack_lock);
      if (g_next_fresh_slot == fresh + 1) g_next_fresh_slot = fresh;
      return false;
    }
  }
  out.base = base;
  out.top = base + kKernelStackSize;
  return true;
}

void kernel_stack_free(const KernelStack& stack) {
  if (!stack.base) return;
  {
    const IrqState s = irq_save();
    HartStacks& c = g_hart_stacks[cpu_index()];
    const bool kept = c.n < kHartCacheStacks;
    if (kept) c.base[c.n++] = stack.base;
    irq_restore(s);
    if (kept) return;
  }
  IrqSpinGuard guard(g_kstack_lock);
  *reinterpret_cast<uptr*>(stack.base + kKernelStackSize - sizeof(uptr)) = g_free_top;
  g_free_top = stack.base;
}

}  // namespace tine::hal
