// Process exit and wait (NetBSD kern_exit.c), and the little of signals the
// fork core needs (kern_sig.c): exit signals, kill with default actions,
// SIGSEGV for a faulting program.
#pragma once

#include "core/proc/proc.h"

namespace tine {

// W-status encodings, as Linux.
constexpr int w_exitcode(int status, int sig) { return ((status & 0xff) << 8) | (sig & 0x7f); }

// Ends the calling process: releases its resources, reparents its children
// to init, wakes a vfork parent, becomes a zombie and signals its parent.
// `sig` != 0: killed by that signal.
[[noreturn]] void exit1(Lwp* l, int status, int sig);

// wait4 options (Linux values).
inline constexpr int kWaitNoHang = 1;
inline constexpr int kWaitUntraced = 2;
inline constexpr int kWaitClone = 0x80000000;  // __WCLONE
inline constexpr int kWaitAll = 0x40000000;    // __WALL
Result<i64> do_wait4(Proc* p, i32 pid, int options, int* status);

// Posts a signal to a process; SIGKILL and the other default-fatal signals
// end it at its next return to user mode (or wake it from an interruptible
// sleep).
void psignal(Proc* p, int sig);
Result<void> kill1(Proc* sender, i32 pid, int sig);
// kill(-1, sig) (core/proc/kill_all.cpp): ESRCH if nothing could be signalled.
Result<void> kill_all_locked(Proc* sender, int sig) REQUIRES(proc_lock);
// Resumes a stopped process and its LWP, as SIGCONT does (core/proc/
// proc_stop.cpp). False if it was not stopped.
bool proc_continue_locked(Proc* p) REQUIRES(proc_lock);
bool proc_continue(Proc* p);
// Stops the calling process for a default-stop signal (core/proc/
// proc_stop.cpp): tells the parent, sleeps until SIGCONT or SIGKILL.
void proc_stop_self(Lwp* l, int sig);
// Called on the way back to user mode: acts on pending signals.
void userret_signals(Lwp* l);
// True when the current thread should abandon an interruptible sleep.
bool sigpending_fatal();

// The default action of a signal: true if it terminates the process.
bool sig_default_kills(int sig);

}  // namespace tine
