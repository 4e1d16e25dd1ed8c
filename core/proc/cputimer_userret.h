// The return to user mode's part of cputimer.h, inline: every syscall and
// trap from user mode comes through here, and mostly no CPU-time timer is
// armed, so all it does then is move the LWP's handed-over mark.
#pragma once

#include "core/proc/cputimer.h"
#include "core/proc/proc.h"
#include "core/sched/cputime.h"
#include "core/sched/lwp.h"

namespace tine {

// The slow part: the process has a timer armed, or l a thread CPU timer.
void cputimer_userret_slow(Lwp* l, u64 du, u64 ds, u64 own);

inline void cputimer_userret_fast(Lwp* l) {
  // l's own counters, written by itself only (cputime.h).
  const u64 u = l->l_utime_ns, s = l->l_stime_ns;
  const u64 du = u - l->l_cpt_seen_ns[0], ds = s - l->l_cpt_seen_ns[1];
  __atomic_store_n(&l->l_cpt_seen_ns[0], u, __ATOMIC_RELAXED);
  __atomic_store_n(&l->l_cpt_seen_ns[1], s, __ATOMIC_RELAXED);
  if (__atomic_load_n(&l->proc->p_cputimers.armed, __ATOMIC_RELAXED) ||
      u + s >= __atomic_load_n(&l->l_cpt_next_ns, __ATOMIC_RELAXED))
    cputimer_userret_slow(l, du, ds, u + s);
}

// An interrupt found l, a user LWP, running kernel code (interrupts off):
// the time since its mark is system time (cputime.h), and while a CPU-time
// timer of its process or its own is armed, its next return to user mode
// looks at them (a fast syscall returns the full way for it).
inline void cputimer_kernel_sample(Lwp* l, u64 now) {
  cputime_edge(l, l->l_stime_ns, now);
  if (__atomic_load_n(&l->proc->p_cputimers.armed, __ATOMIC_RELAXED) ||
      l->l_utime_ns + l->l_stime_ns >= __atomic_load_n(&l->l_cpt_next_ns, __ATOMIC_RELAXED))
    lwp_work_post(l, kWorkCpuTimer);
}

}  // namespace tine
