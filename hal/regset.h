// A stopped thread's user registers as ptrace's NT_PRSTATUS regset sees
// them (core/compat/linux/ptrace.cpp). ISA-neutral shape: kUserRegs words,
// in the order of the ISA's Linux `struct user_regs_struct`; on RISC-V
// word 0 is pc and word i is x[i] (ra, sp, gp, tp, t0-2, s0-1, a0-7,
// s2-11, t3-6), 32 * 8 bytes. hal/riscv/regset.cpp and hal/host implement it.
#pragma once

#include "core/lib/types.h"

namespace tine::hal {

struct UserFrame;

inline constexpr size_t kUserRegs = 32;

void user_regs_get(const UserFrame* f, u64 regs[kUserRegs]);
// Writes the registers a tracer may change (all of them, pc included);
// privileged state (sstatus and the like) is not in the set.
void user_regs_set(UserFrame* f, const u64 regs[kUserRegs]);
// The syscall return register (a0), as the syscall-exit stop leaves it.
i64 user_frame_return(const UserFrame* f);
// The syscall number and its six arguments as the frame holds them now (a
// tracer may have changed them at the syscall-entry stop).
u64 user_frame_syscall(const UserFrame* f, u64 args[6]);

}  // namespace tine::hal
