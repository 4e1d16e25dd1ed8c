// Resource limits, shared copy-on-write between processes as NetBSD's
// plimit: fork takes a reference unless the parent's copy is marked
// writeable (it was just changed and is private), in which case the child
// gets its own copy (kern_fork.c: lim_addref vs lim_copy).
#pragma once

#include "core/sync/mutex.h"
#include "core/lib/refcount.h"
#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

inline constexpr unsigned kRlimitCpu = 0;     // RLIMIT_CPU (core/proc/cputimer.h)
inline constexpr unsigned kRlimitCore = 4;    // RLIMIT_CORE (core/proc/coredump.h)
inline constexpr unsigned kRlimitNproc = 6;   // RLIMIT_NPROC (Linux numbering)
inline constexpr unsigned kRlimitSigpending = 11;  // RLIMIT_SIGPENDING (sigpending_count.h)
inline constexpr unsigned kRlimitMsgqueue = 12;  // RLIMIT_MSGQUEUE (core/ipc/mqueue_names.h)
inline constexpr u64 kMqBytesMax = 819200;  // its default (Linux's MQ_BYTES_MAX)
inline constexpr unsigned kRlimitNice = 13;    // RLIMIT_NICE (compat/linux/sched.cpp)
inline constexpr unsigned kRlimitRtprio = 14;  // RLIMIT_RTPRIO (compat/linux/sched.cpp)
inline constexpr unsigned kRlimitCount = 16;  // RLIM_NLIMITS
inline constexpr u64 kRlimInfinity = ~u64(0);

struct Rlimit {
  u64 cur;
  u64 max;
};

struct Plimit {
  RefCount refs;
  bool writeable = false;  // private to one process: modify in place
  Rlimit limits[kRlimitCount];
};

Result<Plimit*> lim_create_default();
void lim_addref(Plimit* l);
void lim_free(Plimit* l);
Result<Plimit*> lim_copy(const Plimit* l);
// Makes p's limits private before a change (setrlimit): copies when shared.
Result<void> lim_privatize(Plimit** slot);

}  // namespace tine
