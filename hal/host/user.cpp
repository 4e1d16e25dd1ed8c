// hal/user.h for the host tests: a user frame is plain memory at the top of
// the (fake) kernel stack, and "user mode" is a test hook that decides what
// the simulated program does (by default: exit with its a0).
#include "hal/host/hal_host.h"
#include "hal/regset.h"
#include "hal/user.h"

#include <cstring>

namespace tine::hal {

struct UserFrame {
  u64 regs[32];  // regs[10] = a0, regs[2] = sp, regs[4] = tp
  u64 pc;
};

namespace {
host::UserModeHook g_user_mode = nullptr;
}

void host::set_user_mode_hook(UserModeHook hook) { g_user_mode = hook; }
u64 host::user_frame_reg(const UserFrame* f, unsigned reg) { return f->regs[reg]; }
void host::user_frame_set_reg(UserFrame* f, unsigned reg, u64 v) { f->regs[reg] = v; }

UserFrame* user_frame_of(const KernelStack& stack) {
  return reinterpret_cast<UserFrame*>(stack.top - sizeof(UserFrame));
}
uptr user_frame_stack_top(const KernelStack& stack) { return stack.top; }

void user_frame_fork(UserFrame* child, const UserFrame* parent, uptr new_sp, bool set_tls,
                     uptr tls) {
  std::memcpy(child, parent, sizeof(UserFrame));
  child->regs[10] = 0;
  if (new_sp) child->regs[2] = new_sp;
  if (set_tls) child->regs[4] = tls;
}

void user_frame_exec(UserFrame* f, uptr entry, uptr sp) {
  std::memset(f, 0, sizeof(UserFrame));
  f->pc = entry;
  f->regs[2] = sp;
}

void user_frame_set_return(UserFrame* f, i64 v) { f->regs[10] = u64(v); }
void user_frame_set_tls(UserFrame* f, uptr tls) { f->regs[4] = tls; }
uptr user_frame_tls(const UserFrame* f) { return f->regs[4]; }
uptr user_frame_pc(const UserFrame* f) { return f->pc; }
uptr user_frame_sp(const UserFrame* f) { return f->regs[2]; }
u64 user_hwcap() { return 0; }

void user_enter(UserFrame* f) {
  KASSERT_HOST(g_user_mode, "user_enter without a user-mode hook");
  g_user_mode(f);
  __builtin_trap();  // the hook must not return (it exits the process)
}

// hal/regset.h: word 0 is pc, word i is regs[i], as on RISC-V.
void user_regs_get(const UserFrame* f, u64 regs[kUserRegs]) {
  regs[0] = f->pc;
  for (size_t i = 1; i < kUserRegs; i++) regs[i] = f->regs[i];
}
void user_regs_set(UserFrame* f, const u64 regs[kUserRegs]) {
  f->pc = regs[0];
  for (size_t i = 1; i < kUserRegs; i++) f->regs[i] = regs[i];
}
i64 user_frame_return(const UserFrame* f) { return i64(f->regs[10]); }
u64 user_frame_syscall(const UserFrame* f, u64 args[6]) {
  for (unsigned i = 0; i < 6; i++) args[i] = f->regs[10 + i];
  return f->regs[17];
}

void fp_save_if_dirty(FpState&) {}
void fp_switch_out(FpState&, UserFrame*) {}
void fp_switch_in(const FpState&, const UserFrame*) {}
bool fp_first_use(const FpState&, UserFrame*) { return false; }
void fp_save(FpState&) {}
void fp_restore(const FpState&) {}

}  // namespace tine::hal
