// Queued signals per user, against RLIMIT_SIGPENDING (Linux's
// __sigqueue_alloc and its per-user count, ucounts' UCOUNT_RLIMIT_SIGPENDING).
// Linux counts every siginfo queued to any process whose real uid is the
// user's, and compares with the receiving process's RLIMIT_SIGPENDING; a
// queue entry remembers which user it was charged to (a setuid later does
// not move it) and gives the charge back when it leaves the queue.
// NetBSD has no such limit: this is the Linux ABI's, in core/ because the
// queue (sigqueue.cpp) charges and discharges it.
#pragma once

#include "core/proc/cred.h"
#include "core/lib/types.h"

namespace tine {

// One more signal queued for uid: true if it may be queued, that is the
// count after it is at most `limit` (Linux's "sigpending <= rlimit"), or
// `override_limit` (Linux's override_rlimit: a standard signal from kill or
// the kernel). False also when kSigpendingUids other users have signals
// queued already (the table is fixed: posting never allocates).
[[nodiscard]] bool sigpending_charge(Uid uid, u64 limit, bool override_limit);
// Gives one charge back.
void sigpending_discharge(Uid uid);
// The count for uid (tests and /proc).
u64 sigpending_count(Uid uid);

inline constexpr unsigned kSigpendingUids = 64;

}  // namespace tine
