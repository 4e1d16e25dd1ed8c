// User-mode context: the register frame a trap from user mode saved (at
// the top of the LWP's kernel stack), the FPU state, and the way back to
// user mode. ISA-neutral; hal/riscv/user.cpp and hal/host implement it.
#pragma once

#include "core/lib/types.h"
#include "hal/hal.h"

namespace tine::hal {

struct UserFrame;

// Where a thread's user frame lives: just under its kernel stack top.
UserFrame* user_frame_of(const KernelStack& stack);
// The kernel stack top to switch to so that the frame stays intact.
uptr user_frame_stack_top(const KernelStack& stack);

// A forked child's frame: the parent's registers, returning 0; a new stack
// pointer when new_sp != 0 (clone with a stack), a new TLS pointer when
// set_tls.
void user_frame_fork(UserFrame* child, const UserFrame* parent, uptr new_sp,
                     bool set_tls, uptr tls);
// A fresh frame for exec: every register zero, pc = entry, sp = sp.
void user_frame_exec(UserFrame* f, uptr entry, uptr sp);
void user_frame_set_return(UserFrame* f, i64 value);
void user_frame_set_tls(UserFrame* f, uptr tls);
uptr user_frame_tls(const UserFrame* f);
uptr user_frame_pc(const UserFrame* f);
uptr user_frame_sp(const UserFrame* f);

// AT_HWCAP for user programs: the ISA letters the hart offers.
u64 user_hwcap();

// Leaves the kernel into user mode with the registers of `f`.
[[noreturn]] void user_enter(UserFrame* f);

// FPU state of a user thread. A forked child starts with its parent's.
struct FpState {
  u64 f[32] = {};
  u64 fcsr = 0;
};
// Contract: `s` is always the current LWP's own state (curlwp()->fp).
// Save and restore leave the live registers marked clean, and clean means
// "the LWP's saved copy equals the live registers", so the next switch-out
// skips the save. Saving into or restoring from any other buffer breaks
// that and loses registers (fork copies the parent's saved copy to the
// child afterwards; exec zeroes the LWP's copy and restores it).
//
// Saves the live FPU registers of the hart into `s` if user code changed
// them since the last save/restore (cheap when it did not).
void fp_save_if_dirty(FpState& s);
// At a switch away from the current LWP: fp_save_if_dirty, and when it
// saved, the FS state its return to user mode (f, its user frame) puts
// back becomes clean as well, so that the next switch saves again only if
// user code changes the registers again (else every switch would save).
// When user code wrote no FP register since the last save or restore, the
// frame's FS becomes Off instead: the next switch in restores nothing, and
// user code's first FP instruction after it traps to fp_first_use (lazy
// FP, for threads that do not use the FPU between switches).
void fp_switch_out(FpState& s, UserFrame* f);
// At a switch to a user LWP (f, its user frame): restores s when the LWP
// wrote FP registers in its last run, else leaves them unloaded.
void fp_switch_in(const FpState& s, const UserFrame* f);
// An illegal-instruction trap from user mode: true when it was the first
// FP instruction since a lazy switch in (s is loaded, the frame's FS is
// clean, and the instruction runs again), false for a real one.
bool fp_first_use(const FpState& s, UserFrame* f);
// Saves the current values (fork: the child must get them), unless they
// are not loaded, when s already holds them.
void fp_save(FpState& s);
void fp_restore(const FpState& s);

}  // namespace tine::hal
