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
u64 live_fs() { return riscv::read_sstatus() & riscv::kSstatusFS; }
bool fs_dirty() { return live_fs() == riscv::kSstatusFSDirty; }
void fs_on() { riscv::set_sstatus(riscv::kSstatusFSClean); }
void fs_clean() {
  riscv::clear_sstatus(riscv::kSstatusFS);
  riscv::set_sstatus(riscv::kSstatusFSClean);
}
void frame_fs(UserFrame* f, u64 fs) { f->sstatus = (f->sstatus & ~riscv::kSstatusFS) | fs; }
}  // namespace

// Lazy FP (hal/user.h): while a user LWP runs kernel code, the live FS is
// Off exactly when the hart's FP registers are not that LWP's (its saved
// copy is the truth); else they are its, and Clean says they equal the
// copy. Trap entry keeps this (the live FS is the user's, and the frame's
// FS is Off only while the registers are not loaded), and so do the switch
// (fp_switch_in) and every call below.

void fp_save_if_dirty(FpState& s) {
  if (fs_dirty()) fp_save(s);
}

void fp_switch_out(FpState& s, UserFrame* f) {
  if (!fs_dirty()) {
    // No FP write since the registers were last saved or loaded: the
    // saved copy is the truth, so the next switch in needs no restore;
    // user code's first FP instruction traps (FS Off) and loads it.
    frame_fs(f, 0);
    return;
  }
  fp_save(s);
  // Clean, not dirty, is true of the registers the frame will return to:
  // the switch back in restores s. Only a dirty FS changes (never Off).
  if ((f->sstatus & riscv::kSstatusFS) == riscv::kSstatusFSDirty)
    frame_fs(f, riscv::kSstatusFSClean);
}

void fp_switch_in(const FpState& s, const UserFrame* f) {
  if (f->sstatus & riscv::kSstatusFS) {
    fp_restore(s);  // it wrote FP registers in its last run: eager
    return;
  }
  riscv::clear_sstatus(riscv::kSstatusFS);  // not loaded (see the top)
}

bool fp_first_use(const FpState& s, UserFrame* f) {
  if (f->sstatus & riscv::kSstatusFS) return false;  // a real illegal instruction
  // Interrupts off: a switch between the two would turn the frame's FS
  // Off again, and Clean after it would return to registers not loaded.
  const IrqState st = irq_save();
  fp_restore(s);
  frame_fs(f, riscv::kSstatusFSClean);
  irq_restore(st);
  return true;
}

void fp_save(FpState& s) {
  if (live_fs() == 0) return;  // not loaded: s is already the truth
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
