// hal.h's per-hart primitives on RISC-V, inline: each is one to three
// instructions, called around every spin lock. Included by hal/hal.h in the
// kernel build only; tp always points at the running hart's HartLocal
// (trap.S keeps it so), and a field read through tp is one load, so an
// interrupt lands before or after it, never inside.
#pragma once

#include "hal/riscv/csr.h"
#include "hal/riscv/hart_offsets.h"
#include "hal/riscv/memlayout.h"

namespace tine::hal {

inline IrqState irq_save() {
  unsigned long old;
  asm volatile("csrrci %0, sstatus, %1" : "=r"(old) : "i"(riscv::kSstatusSIE) : "memory");
  return old & riscv::kSstatusSIE;
}

inline void irq_restore(IrqState s) {
  if (s & riscv::kSstatusSIE) riscv::set_sstatus(riscv::kSstatusSIE);
}

inline bool irq_enabled() { return riscv::read_sstatus() & riscv::kSstatusSIE; }

inline unsigned cpu_index() {
  unsigned i;
  asm volatile("lwu %0, %1(tp)" : "=r"(i) : "i"(HART_INDEX));
  return i;
}

inline void* current_thread() {
  void* t;
  asm volatile("ld %0, %1(tp)" : "=r"(t) : "i"(HART_CURRENT_THREAD));
  return t;
}

// Load, add, store, each through tp: see hal.h for why no interrupt
// masking is needed.
inline void preempt_inc() {
  u32 t;
  asm volatile("lw %0, %1(tp)\n\taddiw %0, %0, 1\n\tsw %0, %1(tp)"
               : "=&r"(t) : "i"(HART_PREEMPT_OFF) : "memory");
}

inline void preempt_dec() {
  u32 t;
  asm volatile("lw %0, %1(tp)\n\taddiw %0, %0, -1\n\tsw %0, %1(tp)"
               : "=&r"(t) : "i"(HART_PREEMPT_OFF) : "memory");
}

inline u32 preempt_count() {
  u32 n;
  asm volatile("lw %0, %1(tp)" : "=r"(n) : "i"(HART_PREEMPT_OFF) : "memory");
  return n;
}

namespace riscv {
// virt_to_phys of an address outside the direct map (the image, or not
// translatable: then as if it were in the direct map, as always).
paddr_t virt_to_phys_image(const void* va);
}  // namespace riscv

inline void* phys_to_virt(paddr_t pa) {
  return reinterpret_cast<void*>(pa + KERNEL_DIRECT_MAP_BASE);
}

inline paddr_t virt_to_phys(const void* va) {
  const uptr v = reinterpret_cast<uptr>(va);
  if (v - KERNEL_DIRECT_MAP_BASE < KERNEL_DIRECT_MAP_SIZE) return v - KERNEL_DIRECT_MAP_BASE;
  return riscv::virt_to_phys_image(va);
}

inline void cpu_relax() { asm volatile("nop; nop; nop; nop" ::: "memory"); }

}  // namespace tine::hal
