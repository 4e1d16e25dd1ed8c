// hal/user.h on RISC-V: the user frame is the TrapFrame trap.S builds at
// the top of the LWP's kernel stack.
#include "hal/user.h"

#include "core/lib/string.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/trap.h"
#include "hal/riscv/uaccess_window.h"

extern "C" void fp_save_asm(tine::hal::FpState*);
extern "C" void fp_restore_asm(const tine::hal::FpState*);

namespace tine::hal {

using riscv::TrapFrame;
struct UserFrame : TrapFrame {};

static_assert(offsetof(FpState, fcsr) == 256, "fpu.S layout");

UserFrame* user_frame_of(const KernelStack& stack) {
  return reinterpret_cast<UserFrame*>(stack.top - sizeof(TrapFrame));
}

uptr user_frame_stack_top(const KernelStack& stack) {
  // trap.S places the frame right under HartLocal::kernel_sp.
  return stack.top;
}

void user_frame_fork(UserFrame* child, const UserFrame* parent, uptr new_sp,
                     bool set_tls, uptr tls) {
  memcpy(child, parent, sizeof(TrapFrame));
  child->x[riscv::kA0] = 0;
  if (new_sp) child->x[riscv::kSp] = new_sp;
  if (set_tls) child->x[riscv::kTp] = tls;
}

void user_frame_exec(UserFrame* f, uptr entry, uptr sp) {
  memset(f, 0, sizeof(TrapFrame));
  f->sepc = entry;
  f->x[riscv::kSp] = sp;
  // Back to U-mode with interrupts on and a clean, zeroed FPU.
  // SIE stays 0 in the frame: trap_return writes sstatus before sret.
  // SUM as uaccess_window.h says: a change of it costs QEMU a TLB flush.
  f->sstatus = (riscv::read_sstatus() & ~(riscv::kSstatusSPP | riscv::kSstatusFS |
                                          riscv::kSstatusSUM | riscv::kSstatusSIE)) |
               riscv::kSstatusSPIE | riscv::kSstatusFSInitial | riscv::kSstatusSumAlways;
}

void user_frame_set_return(UserFrame* f, i64 value) {
  f->x[riscv::kA0] = static_cast<u64>(value);
}

void user_frame_set_tls(UserFrame* f, uptr tls) { f->x[riscv::kTp] = tls; }

uptr user_frame_tls(const UserFrame* f) { return f->x[riscv::kTp]; }
uptr user_frame_pc(const UserFrame* f) { return f->sepc; }
uptr user_frame_sp(const UserFrame* f) { return f->x[riscv::kSp]; }

u64 user_hwcap() {
  // Linux's riscv hwcap: one bit per single-letter extension (IMAFDC).
  auto letter = [](char c) { return u64(1) << (c - 'a'); };
  return letter('i') | letter('m') | letter('a') | letter('f') | letter('d') | letter('c');
}

void user_enter(UserFrame* f) {
  asm volatile(
      "csrci sstatus, 2\n"  // SIE off until sret
      "mv sp, %0\n"
      "j trap_return\n" ::"r"(f)
      : "memory");
  __builtin_unreachable();
}

namespace {
bool fs_dirty() {
  return (riscv::read_sstatus() & riscv::kSstatusFS) == riscv::kSstatusFSDirty;
}
void fs_on() { riscv::set_sstatus(riscv::kSstatusFSClean); }
void fs_clean() {
  riscv::clear_sstatus(riscv::kSstatusFS);
  riscv::set_sstatus(riscv::kSstatusFSClean);
}
}  // namespace

void fp_save_if_dirty(FpState& s) {
  if (fs_dirty()) fp_save(s);
}

void fp_switch_out(FpState& s, UserFrame* f) {
  if (!fs_dirty()) return;
  fp_save(s);
  // Clean, not dirty, is true of the registers the frame will return to:
  // the switch back in restores s. Only a dirty FS changes (never Off).
  if ((f->sstatus & riscv::kSstatusFS) == riscv::kSstatusFSDirty)
    f->sstatus = (f->sstatus & ~riscv::kSstatusFS) | riscv::kSstatusFSClean;
}

void fp_save(FpState& s) {
  fs_on();
  fp_save_asm(&s);
  fs_clean();
}

void fp_restore(const FpState& s) {
  fs_on();
  fp_restore_asm(&s);
  fs_clean();
}

}  // namespace tine::hal
