// Pending signals with their siginfo: one process's queue (NetBSD's
// sigpend/ksiginfo lists, small). A standard signal (1..31) is pending at
// most once and keeps the info of its first sending, as Linux coalesces;
// a real-time one (32..64) queues one entry per sending. The bitmap
// p_sigpend says what is pending; the queue holds the details.
#pragma once

#include "core/lib/result.h"
#include "core/proc/siginfo.h"

namespace tine {

inline constexpr int kSigRtMin = 32;

struct SigQueue {
  // Fixed, so posting never allocates (psignal runs under p_lock). Past
  // the limit a standard signal is still pending, with SI_KERNEL info.
  static constexpr unsigned kMax = 16;
  SigInfo q[kMax];
  unsigned n = 0;
};

// The caller holds the owning process's p_lock and passes its p_sigqueue
// and p_sigpend (whose bits change atomically: userret reads it without
// the lock).
//
// Makes info.si_signo pending with `info`. Error::Again when a real-time
// signal finds the queue full and `must_queue` (sigqueue, as Linux's
// RLIMIT_SIGPENDING); without it the signal is pending with no details.
Result<void> sigqueue_post(SigQueue& q, u64& pending, const SigInfo& info, bool must_queue);
// Takes one pending `sig` (its queued info, or made-up SI_USER info) and
// clears its bit when none is left.
SigInfo sigqueue_take(SigQueue& q, u64& pending, int sig);
// Forgets every pending signal in `set` (an action set to SIG_IGN, SIGCONT
// cancelling stops).
void sigqueue_flush(SigQueue& q, u64& pending, u64 set);

}  // namespace tine
