// The machine-dependent half of signal delivery: the frame a handler finds
// on its stack (on riscv64, Linux's struct rt_sigframe: siginfo, then a
// ucontext with the registers and the FP state) and how a user frame is
// pointed at a handler and back. core/proc/sendsig.cpp builds the frame in
// a kernel buffer with these, copies it out and in, and owns the policy
// (which stack, which mask); the HAL only knows the layout.
#pragma once

#include "core/lib/types.h"
#include "hal/user.h"

namespace tine::hal {

// What the frame keeps besides the registers: the mask to restore and the
// alternate stack as sigaltstack reports it (Linux's stack_t fields).
struct SigFrameSave {
  u64 mask = 0;
  uptr ss_sp = 0;
  i32 ss_flags = 0;
  u64 ss_size = 0;
};

// Bytes of one frame (its start is 16-aligned) and the most any port needs,
// for the caller's buffer.
inline constexpr size_t kSigFrameMax = 1280;
size_t sigframe_size();

// Fills `buf` (sigframe_size() bytes) with the frame: `siginfo` (128 bytes,
// Linux's generic siginfo_t), the registers of `f`, the FP registers `fp`
// and `save`.
void sigframe_build(void* buf, const UserFrame* f, const FpState& fp, const void* siginfo,
                    const SigFrameSave& save);
// Sends `f` to handler(sig, &info, &uc) with the frame at user address
// `at` as its stack; the handler returns to `ret`.
void sigframe_enter(UserFrame* f, uptr at, int sig, uptr handler, uptr ret);
// rt_sigreturn: where the frame is (the sp the handler returned with).
uptr sigframe_of_return(const UserFrame* f);
// Takes the registers, FP state and `save` back from a frame copied in
// from the user. False if the frame is malformed (reserved words not zero,
// as Linux checks); `f` and `fp` are then untouched.
bool sigframe_restore(const void* buf, UserFrame* f, FpState& fp, SigFrameSave& save);

// The syscall that trapped into `f` runs again: the pc back onto the
// syscall instruction, its first argument register back to `a0`.
void user_frame_restart_syscall(UserFrame* f, u64 a0);
// The same instruction runs syscall `nr` instead (restart_syscall).
void user_frame_restart_as(UserFrame* f, u64 nr);
// The return-value register (a0): what rt_sigreturn leaves there.
u64 user_frame_return_value(const UserFrame* f);

}  // namespace tine::hal
