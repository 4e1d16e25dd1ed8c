// Syscall dispatch through the process's emulation (p_emul), and the way
// back to user mode.
#pragma once

#include "core/proc/emul.h"
#include "core/lib/result.h"
#include "hal/user.h"

namespace tine {

// Kernel command line `strace`: print every syscall (number, 3 args).
extern bool syscall_trace;

// Runs syscall `number` for the current process; returns the value or
// -errno (unknown numbers: -ENOSYS).
i64 syscall_dispatch(u64 number, const SyscallArgs& args);

// Restart bookkeeping (Lwp::l_sysrestart). A syscall interrupted by a
// signal returns Error::Intr (Linux's ERESTARTSYS: EINTR after a handler
// without SA_RESTART, else restarted) or Error::RestartNoHand (EINTR after
// any handler, restarted when none runs). syscall_dispatch records which,
// with the first argument, and returns -EINTR; the delivery loop then
// decides. kRestartNever: rt_sigreturn, whose a0 is the restored one.
// Error::RestartBlock (Linux's ERESTART_RESTARTBLOCK): EINTR after any
// handler; when none runs, the call is replaced by the emulation's
// restart_syscall, which runs the LWP's l_restart_fn (a relative sleep
// goes on to the deadline it had, rather than sleeping its request again).
struct Lwp;
enum SyscallRestart : u8 {
  kRestartNone = 0, kRestartSys, kRestartNoHand, kRestartBlock, kRestartNever
};
// For a syscall about to return Error::RestartBlock: what restart_syscall
// will run, with its two words.
void syscall_set_restart_block(i64 (*fn)(u64, u64), u64 a, u64 b);
// restart_syscall: runs and forgets the current LWP's restart block; EINTR
// if there is none (Linux's do_no_restart_syscall).
i64 syscall_run_restart_block();
// A handler is about to run for the current syscall's interruption.
void syscall_restart_for_handler(Lwp* l, hal::UserFrame* f, bool sa_restart);
// The return to user mode runs no (further) handler.
void syscall_restart_no_handler(Lwp* l, hal::UserFrame* f);

// On every return to user mode: pending signals. l is curlwp().
void userret();
void userret(Lwp* l);

// The fast syscall path (the HAL's trap entry; syscall_fast.h has its
// steps). It saves only what a C function may change, so the frame's
// callee-saved registers are stale until the HAL saves them. A call may go
// that way only when syscall_fast_fn gives it (the emulation lists it as fast, the
// process is not traced): such a call never reads or writes the whole
// frame, and the HAL saves the rest before anything after it may (signal
// delivery, stops, a syscall's restart).
//
// syscall_dispatch's last step: a result asking for a restart is recorded
// in l and becomes -EINTR.
i64 syscall_note_restart(Lwp* l, i64 r, const SyscallArgs& args);
// userret past its CPU-timer step: signals and ptrace stops.
void userret_work(Lwp* l);

inline i64 errno_of(Error e) { return -i64(e); }
template <typename T>
i64 syscall_result(const Result<T>& r) {
  if (!r.ok()) return errno_of(r.error());
  return i64(r.value());
}
inline i64 syscall_result(const Result<void>& r) {
  return r.ok() ? 0 : errno_of(r.error());
}

}  // namespace tine
