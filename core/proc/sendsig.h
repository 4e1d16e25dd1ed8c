// Running a signal handler: the frame on the user stack (NetBSD's sendsig,
// Linux's setup_rt_frame), its undoing (rt_sigreturn), and the alternate
// signal stack the frame may go on (sigaltstack).
#pragma once

#include "core/proc/proc.h"
#include "core/proc/siginfo.h"
#include "hal/user.h"

namespace tine {

// sigaltstack's stack_t fields and flags (Linux values).
struct SigStack {
  uptr sp = 0;
  i32 flags = 0;
  u64 size = 0;
};
inline constexpr i32 kSsOnStack = 1;
inline constexpr i32 kSsDisable = 2;
inline constexpr u32 kSsAutoDisarm = 1u << 31;
inline constexpr u64 kMinSigStkSz = 2048;  // asm-generic MINSIGSTKSZ

// Sends the LWP (returning to user mode through `f`) into act's handler
// for `sig`: writes the frame, sets the handler's mask (mask | sa_mask |
// sig unless SA_NODEFER) and resets the action under SA_RESETHAND. False,
// with nothing changed, if the frame cannot be written (the caller sends
// SIGSEGV).
bool sendsig(Lwp* l, hal::UserFrame* f, int sig, const SigInfo& info, const SigAction& act);

// rt_sigreturn: restores registers, FP state, mask and alternate stack
// from the frame at the user sp. A bad frame sends SIGSEGV. Returns the
// restored return-value register.
u64 sigreturn1(Lwp* l);

// sigaltstack(ss, oss) for `l`, whose user sp is `sp`: oss (if given)
// gets the current stack; ss (if given) replaces it. EPERM while running
// on it, EINVAL for bad flags, ENOMEM under MINSIGSTKSZ.
Result<void> sigaltstack1(Lwp* l, uptr sp, const SigStack* ss, SigStack* oss);

}  // namespace tine
