// Pending signals with their siginfo: one process's queue (NetBSD's
// sigpend/ksiginfo lists, small). A standard signal (1..31) is pending at
// most once per list (below) and keeps the info of its first sending, as
// Linux coalesces;
// a real-time one (32..64) queues one entry per sending. The bitmap
// p_sigpend says what is pending; the queue holds the details.
//
// Each entry also says which of Linux's two lists it is on: the thread's
// own (tkill, tgkill, rt_tgsigqueueinfo, faults, ptrace's SIGSTOP: Linux's
// PIDTYPE_PID) or the process's shared one (kill, rt_sigqueueinfo).
// PTRACE_PEEKSIGINFO shows them apart. A standard signal coalesces per
// list, so kill and tgkill of a blocked SIGUSR1 leave it pending twice and
// it is delivered twice, as on Linux. One LWP per process, so delivery
// sees both lists as one set; it takes the thread's entry of a signal
// first, as Linux's dequeue_signal (which would also take any signal of
// the thread's list before a lower-numbered shared one; Tine takes the
// lowest number of either).
#pragma once

#include "core/lib/result.h"
#include "core/proc/siginfo.h"

namespace tine {

inline constexpr int kSigRtMin = 32;

struct SigQueue {
  // Fixed, so posting never allocates (psignal runs under p_lock). Past
  // the limit a standard signal is still pending, with SI_KERNEL info.
  // 32: Linux's kselftest ptrace/peeksiginfo.c queues 10 on each list
  // (Linux's limit is RLIMIT_SIGPENDING, thousands).
  static constexpr unsigned kMax = 32;
  SigInfo q[kMax];
  bool to_thread[kMax] = {};  // on the thread's own list, else the shared one
  unsigned n = 0;
};

// The caller holds the owning process's p_lock and passes its p_sigqueue
// and p_sigpend (whose bits change atomically: userret reads it without
// the lock).
//
// Makes info.si_signo pending with `info`. Error::Again when a real-time
// signal finds the queue full and `must_queue` (sigqueue, as Linux's
// RLIMIT_SIGPENDING); without it the signal is pending with no details.
// `to_thread`: on the thread's own list (see above).
Result<void> sigqueue_post(SigQueue& q, u64& pending, const SigInfo& info, bool must_queue,
                           bool to_thread = false);
// Takes one pending `sig` (its queued info, the thread's list first, or
// made-up SI_USER info) and clears its bit when none is left.
SigInfo sigqueue_take(SigQueue& q, u64& pending, int sig);
// The index-th entry (from 0, in the order posted) of the thread's list or
// of the shared one; nullptr past the end (PTRACE_PEEKSIGINFO).
const SigInfo* sigqueue_peek(const SigQueue& q, bool thread, u64 index);
// Forgets every pending signal in `set` (an action set to SIG_IGN, SIGCONT
// cancelling stops).
void sigqueue_flush(SigQueue& q, u64& pending, u64 set);

}  // namespace tine
