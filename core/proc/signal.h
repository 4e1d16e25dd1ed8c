// Signal posting and delivery (core/proc/signal.cpp): the parts beyond
// exit.h's psignal/kill1 that the syscalls, the trap path and the
// delivery loop share.
#pragma once

#include "core/proc/proc.h"
#include "core/proc/siginfo.h"

namespace tine {

// Default actions (Linux's table; core dumps are not written).
enum class SigDefault { Term, Core, Ignore, Stop, Cont };
SigDefault sig_default(int sig);

// Posts info.si_signo with its siginfo. Error::Again if a real-time signal
// cannot be queued and `must_queue` (sigqueue); Error::Inval for a bad
// number. Signals the process ignores are dropped here, as are signals to
// init that it has no handler for. `to`: on that LWP's own list
// (sigqueue.h), as Linux's PIDTYPE_PID sendings; else on the process's,
// for whichever LWP does not block it.
Result<void> psignal_info(Proc* p, const SigInfo& info, bool must_queue, Lwp* to = nullptr);
// The same to p's LWP `tid` (a SIGEV_THREAD_ID timer): Error::Srch if it
// is gone.
Result<void> psignal_info_tid(Proc* p, const SigInfo& info, i32 tid);

// Takes one pending `sig` for l: from l's own list if there, else the
// process's (sigqueue_take).
SigInfo sig_take_locked(Proc* p, Lwp* l, int sig) REQUIRES(p->p_lockobj->mutex);
// Wakes, for each process-wide pending signal, an LWP other than `gone`
// that does not block it: the one that would have taken it is exiting or
// has just blocked it (Linux's retarget_shared_pending).
void sig_retarget_locked(Proc* p, const Lwp* gone) REQUIRES(p->p_lockobj->mutex);

// Info for a signal `sender` sends (SI_USER, SI_TKILL): its pid and uid.
SigInfo siginfo_from(Proc* sender, int sig, i32 code);

// What a parent's exit signal (SIGCHLD, or a clone child's own) carries
// about `child`: si_code CLD_EXITED/KILLED/STOPPED/CONTINUED/TRAPPED, its
// pid and uid, and the exit status or the signal. Times are 0 (Tine keeps
// no per-process CPU times yet). Takes child's p_lock.
SigInfo siginfo_child(Proc* child, int sig, i32 code, i32 status);
// The same for a child that has become a zombie (its p_xexit/p_xsig),
// without its p_lock.
SigInfo siginfo_child_exit(Proc* child, int sig) REQUIRES(proc_lock);
// psignal with that info.
void psignal_child(Proc* parent, Proc* child, int sig, i32 code, i32 status);

// Sends info to process `pid` (> 0) if `sender` may (EPERM), as kill does
// for one process: ESRCH if there is none, a zombie takes nothing, signal
// 0 checks only. must_queue: see psignal_info.
Result<void> kill_proc(Proc* sender, i32 pid, const SigInfo& info, bool must_queue);
// The same to thread `tid` (> 0, else EINVAL) of process tgid, or of any
// process for tgid <= 0 (tkill), on its own list: ESRCH when there is no
// such live thread.
Result<void> kill_lwp(Proc* sender, i32 tgid, i32 tid, const SigInfo& info, bool must_queue);

// Group stops (core/proc/proc_stop.cpp): whether another LWP has stopped
// l's process, and, for l on its way to user mode, the wait until the
// stop ends.
bool proc_stopped_by_other(const Lwp* l);
void proc_stop_join(Lwp* l);

// A fault the current thread's program caused (SIGSEGV, SIGBUS, SIGILL,
// SIGTRAP, SIGFPE): posted with its si_code and address; delivered on
// this return to user mode. Blocked or ignored, it takes the default
// action (Linux's force_sig).
void user_fault_signal(const SigInfo& info);

// True when the current thread has a signal to act on (any pending,
// unblocked signal: caught, fatal or stopping): an interruptible sleep
// ends with Error::Intr.
bool sigpending_interrupts();

}  // namespace tine
