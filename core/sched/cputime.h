// CPU time per LWP, charged at the edges between user mode, kernel mode
// and not running: a trap from user mode (an interrupt, a syscall not on
// the fast path) ends a stretch of user time, the way back to user mode
// from it ends one of system time, and a switch ends the outgoing LWP's
// system time and starts the incoming one's clock. Time asleep or on a run
// queue is charged to nobody. A fast syscall (hal/riscv/user_trap.cpp)
// charges nothing, which would leave its time to the next edge, a user
// one; so an interrupt that finds an LWP in kernel code charges the time
// since its mark as system time (cputimer_kernel_sample). That makes the
// split between user and system a sample at interrupts, as Linux's tick
// accounting, while the total stays exact at every edge.
//
// Each LWP's counters are written only on the hart that runs it, by
// itself (or by the switch that takes it off that hart, before another
// hart may run it); other harts read them with relaxed atomics (getrusage,
// /proc, a parent's wait).
#pragma once

#include "core/sched/lwp.h"

namespace tine {

// A trap from user mode (before anything else); the way back to it.
void cputime_user_to_kernel(Lwp* l);
void cputime_kernel_to_user(Lwp* l);
// Either edge, with the time read by the caller: the time since l's mark
// goes to `counter` (l's l_utime_ns or l_stime_ns), the mark moves to now.
// Inline for the HAL's syscall path.
inline void cputime_edge(Lwp* l, u64& counter, u64 now) {
  const u64 d = now > l->l_cpu_mark_ns ? now - l->l_cpu_mark_ns : 0;
  l->l_cpu_mark_ns = now;
  __atomic_store_n(&counter, __atomic_load_n(&counter, __ATOMIC_RELAXED) + d, __ATOMIC_RELAXED);
}
// l, the caller, brings its own counters up to now before it reads them,
// the time since its mark counted as user time: a fast syscall charges
// nothing (hal/riscv/user_trap.cpp), so the mark is where the last edge,
// switch or interrupt left it, and since then l ran its own code but for
// a fast syscall or so.
void cputime_sync_self(Lwp* l);
// A hart switches from prev to next (next is now current).
void cputime_switch(Lwp* prev, Lwp* next);

inline u64 lwp_utime_ns(const Lwp* l) { return __atomic_load_n(&l->l_utime_ns, __ATOMIC_RELAXED); }
inline u64 lwp_stime_ns(const Lwp* l) { return __atomic_load_n(&l->l_stime_ns, __ATOMIC_RELAXED); }

}  // namespace tine
