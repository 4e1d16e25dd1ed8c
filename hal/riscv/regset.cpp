// hal/regset.h on RISC-V: Linux riscv64's user_regs_struct is the trap
// frame with pc in x0's slot (arch/riscv/include/uapi/asm/ptrace.h).
#include "hal/regset.h"

#include "hal/riscv/trap_frame.h"

namespace tine::hal {

struct UserFrame : riscv::TrapFrame {};  // as hal/riscv/user.cpp

void user_regs_get(const UserFrame* f, u64 regs[kUserRegs]) {
  regs[0] = f->sepc;
  for (size_t i = 1; i < kUserRegs; i++) regs[i] = f->x[i];
}

void user_regs_set(UserFrame* f, const u64 regs[kUserRegs]) {
  f->sepc = regs[0];
  for (size_t i = 1; i < kUserRegs; i++) f->x[i] = regs[i];
}

i64 user_frame_return(const UserFrame* f) { return static_cast<i64>(f->x[riscv::kA0]); }

u64 user_frame_syscall(const UserFrame* f, u64 args[6]) {
  for (unsigned i = 0; i < 6; i++) args[i] = f->x[riscv::kA0 + i];
  return f->x[riscv::kA7];
}

}  // namespace tine::hal
