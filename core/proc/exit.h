// Process exit and wait (NetBSD kern_exit.c), and the little of signals the
// fork core needs (kern_sig.c): exit signals, kill with default actions,
// SIGSEGV for a faulting program.
#pragma once

#include "core/proc/proc.h"
#include "core/proc/siginfo.h"

namespace tine {

// W-status encodings, as Linux.
constexpr int w_exitcode(int status, int sig) { return ((status & 0xff) << 8) | (sig & 0x7f); }
inline constexpr int kWCoreFlag = 0x80;  // WCOREDUMP: the signal left a core file

// Ends the calling process: releases its resources, reparents its children
// to init, wakes a vfork parent, becomes a zombie and signals its parent.
// `sig` != 0: killed by that signal.
// With other LWPs, they end first (proc_single_thread). `core`: the
// signal's siginfo when its default action dumps core (core/proc/coredump.h).
[[noreturn]] void exit1(Lwp* l, int status, int sig, const SigInfo* core = nullptr);
// The same for the process's only LWP, whose emulation exit hook has run.
[[noreturn]] void exit1_alone(Lwp* l, int status, int sig);

// wait4/waitid options (Linux values).
inline constexpr int kWaitNoHang = 1;
inline constexpr int kWaitUntraced = 2;  // WSTOPPED for waitid
inline constexpr int kWaitExited = 4;
inline constexpr int kWaitContinued = 8;
inline constexpr int kWaitNoWait = 0x01000000;
inline constexpr int kWaitNoThread = 0x20000000;  // __WNOTHREAD (one LWP: no effect)
inline constexpr int kWaitClone = int(0x80000000u);  // __WCLONE
inline constexpr int kWaitAll = 0x40000000;    // __WALL
// SIGCHLD's si_code values: kCld* (core/proc/siginfo.h).

// Which children a wait is for (waitid's idtype; wait4's pid decoded).
enum class WaitId { All, Pid, Pgid };
struct WaitSpec {
  WaitId idtype = WaitId::All;
  i32 id = 0;
  int options = 0;  // kWait*: at least one of Exited, Untraced, Continued
};
// What a wait found: the child, its wait4 status word and waitid's
// si_code/si_status/si_uid.
struct WaitResult {
  i32 pid = 0;
  int status = 0;
  int code = 0;
  int si_status = 0;
  u32 uid = 0;
  bool reap = false;  // the child was reaped (an exit without WNOWAIT)
  // The child's CPU time and its reaped children's (Linux's RUSAGE_BOTH),
  // for wait4's and waitid's rusage.
  u64 utime_ns = 0, stime_ns = 0;
};
// true: out holds a child's exit, stop or continue; false: WNOHANG and
// nothing to report yet; Error::Child: no child matches; Error::Intr.
Result<bool> do_wait(Proc* p, const WaitSpec& w, WaitResult& out);
// wait4: pid > 0 that child, 0 the caller's process group, -1 any child,
// < -1 process group -pid. Returns the child's pid, or 0 (WNOHANG).
Result<i64> do_wait4(Proc* p, i32 pid, int options, int* status, WaitResult* out = nullptr);

// Posts a signal to a process; SIGKILL and the other default-fatal signals
// end it at its next return to user mode (or wake it from an interruptible
// sleep).
void psignal(Proc* p, int sig);
Result<void> kill1(Proc* sender, i32 pid, int sig);
// kill(-1, sig) (core/proc/kill_all.cpp): ESRCH if nothing could be signalled.
Result<void> kill_all_locked(Proc* sender, int sig) REQUIRES(proc_lock);
// Job control (core/proc/proc_stop.cpp).
// SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU.
bool sig_is_stop(int sig);
// Stops the calling process for a default-action stop signal: p_stat
// SSTOP, p_xsig sig, counted in the parent's p_nstopchild, the parent told
// (SIGCHLD unless PS_NOCLDSTOP; proc_waitcv); then sleeps until SIGCONT,
// SIGKILL or a tracer ends the stop. Called by the delivery loop with no
// lock held, with p_contgen as it was when sig was taken; returns at once
// if SIGKILL is pending or a SIGCONT came since.
void proc_stop_self(Lwp* l, int sig, u32 contgen);
// Resumes a stopped process and its LWP, as SIGCONT does: records the
// continue for WCONTINUED and tells the parent (SIGCHLD unless
// PS_NOCLDSTOP). False if it was not stopped.
bool proc_continue_locked(Proc* p) REQUIRES(proc_lock);
bool proc_continue(Proc* p);
// What posting sig does to p's stop state before it is made pending, for
// every sender of kill-like signals: SIGCONT continues p; SIGKILL ends a
// stop. (psignal_info discards pending stops or SIGCONT.)
void sig_post_jobctl_locked(Proc* p, int sig) REQUIRES(proc_lock);
// rt_sigaction changed p's SIGCHLD action: PS_NOCLDSTOP, PK_NOCLDWAIT and
// PK_CLDSIGIGN follow it.
void proc_sigchld_action_locked(Proc* p, uptr handler, u64 flags) REQUIRES(p->p_lock());
// Called on the way back to user mode: acts on pending signals.
void userret_signals(Lwp* l);
// True when the current thread should abandon an interruptible sleep.
bool sigpending_fatal();

// The default action of a signal: true if it terminates the process.
bool sig_default_kills(int sig);

}  // namespace tine
