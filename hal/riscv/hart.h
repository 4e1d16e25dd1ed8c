// Per-hart data, reachable through tp while the hart runs kernel code.
#pragma once

#include "hal/riscv/hart_offsets.h"

#ifndef __ASSEMBLER__
#include "core/lib/types.h"
#include "hal/hal.h"

namespace tine::hal::riscv {

struct HartLocal {
  u64 user_sp;            // trap.S parks the user sp here on entry
  u64 kernel_sp;          // stack top for traps from user mode
  u64 fault_recover_pc;   // if set, a kernel fault resumes here (probes, copyin)
  void* current_thread;   // hal::current_thread(): the scheduler's current
  unsigned index;         // dense cpu index (hal::cpu_index)
  unsigned hartid;
  bool online;
  u32 preempt_off;        // hal::preempt_count(): spin locks held + disables
  u64 timer_armed = ~u64(0);  // the timer's compare value (timer.cpp's arm)
};

static_assert(offsetof(HartLocal, user_sp) == HART_USER_SP);
static_assert(offsetof(HartLocal, kernel_sp) == HART_KERNEL_SP);
static_assert(offsetof(HartLocal, fault_recover_pc) == HART_FAULT_RECOVER);
static_assert(offsetof(HartLocal, current_thread) == HART_CURRENT_THREAD);
static_assert(offsetof(HartLocal, index) == HART_INDEX);
static_assert(offsetof(HartLocal, preempt_off) == HART_PREEMPT_OFF);

extern HartLocal g_harts[kMaxCpus];

inline HartLocal& this_hart() {
  HartLocal* h;
  asm volatile("mv %0, tp" : "=r"(h));
  return *h;
}

// Online harts, in cpu-index order.
unsigned online_hart_count();
// The hart id of a cpu index.
unsigned hartid_of(unsigned index);

}  // namespace tine::hal::riscv
#endif
