// sstatus.SUM, the kernel's access to user pages, under one of two
// policies chosen at build time (meson option uaccess_window):
//
// - the window (true): SUM is set only inside user_copy_in/out and the
//   user atomics, as Linux's __enable_user_access, so a kernel dereference
//   of a user address anywhere else faults (RISC-V's SMAP);
// - always on (false, the default): SUM is set when a hart starts and
//   stays set, in user frames too. QEMU 7.2 flushes its whole software TLB
//   at every change of SUM (target/riscv/csr.c, write_mstatus), so the
//   window costs two flushes per copy and the refills after them: a
//   clock_gettime on a CPU clock took 20-24 us of host time with it and
//   3-7 us without, at the same instruction count.
#pragma once

#ifndef TINE_UACCESS_WINDOW
#define TINE_UACCESS_WINDOW 0
#endif

// Inside a user access's asm, with t1 = SUM.
#if TINE_UACCESS_WINDOW
#define UACCESS_OPEN "csrs sstatus, t1\n"
#define UACCESS_CLOSE "csrc sstatus, t1\n"
#else
#define UACCESS_OPEN ""
#define UACCESS_CLOSE ""
#endif

#ifndef __ASSEMBLER__
#include "hal/riscv/csr.h"

namespace tine::hal::riscv {
// What a hart sets at its start and every user frame keeps.
inline constexpr u64 kSstatusSumAlways = TINE_UACCESS_WINDOW ? 0 : kSstatusSUM;
}  // namespace tine::hal::riscv
#endif
