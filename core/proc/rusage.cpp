#include "core/proc/rusage.h"

#include "core/sched/cputime.h"
#include "core/sched/sched.h"

namespace tine {

CpuTimes lwp_cputime(const Lwp* l) {
  if (Lwp* self = curlwp(); self == l) cputime_sync_self(self);
  return {lwp_utime_ns(l), lwp_stime_ns(l)};
}

// Time of LWPs that are gone is kept in p_stats; the living ones' (the
// last one of a zombie included, which stays until the reap) runs on.
CpuTimes proc_cputime(const Proc* p) {
  if (Lwp* self = curlwp(); self && self->proc == p) cputime_sync_self(self);
  MutexGuard g(p->p_lock());
  return proc_cputime_locked(p);
}

CpuTimes proc_cputime_locked(const Proc* p) {
  CpuTimes t{__atomic_load_n(&p->p_stats.user_ns, __ATOMIC_RELAXED),
             __atomic_load_n(&p->p_stats.sys_ns, __ATOMIC_RELAXED)};
  for (const Lwp* l : const_cast<Proc*>(p)->p_lwps) {
    t.user_ns += lwp_utime_ns(l);
    t.sys_ns += lwp_stime_ns(l);
  }
  return t;
}

void rusage_lwp_gone_locked(Proc* p, const Lwp* l) {
  __atomic_fetch_add(&p->p_stats.user_ns, lwp_utime_ns(l), __ATOMIC_RELAXED);
  __atomic_fetch_add(&p->p_stats.sys_ns, lwp_stime_ns(l), __ATOMIC_RELAXED);
}

CpuTimes proc_children_cputime(const Proc* p) {
  return {__atomic_load_n(&p->p_stats.child_user_ns, __ATOMIC_RELAXED),
          __atomic_load_n(&p->p_stats.child_sys_ns, __ATOMIC_RELAXED)};
}

namespace {
// A zombie's LWP list changes no more (its last LWP stays on it until the
// reap, and no other is left to go or come), so it is walked without
// p_lock.
CpuTimes zombie_cputime(const Proc* c) NO_THREAD_SAFETY_ANALYSIS {
  return proc_cputime_locked(c);
}
}  // namespace

void rusage_of_child(const Proc* c, u64& user_ns, u64& sys_ns) {
  const CpuTimes self = c->p_stat == ProcStat::SZOMB ? zombie_cputime(c) : proc_cputime(c);
  const CpuTimes kids = proc_children_cputime(c);
  user_ns = self.user_ns + kids.user_ns;
  sys_ns = self.sys_ns + kids.sys_ns;
}

void rusage_reap_locked(Proc* parent, u64 user_ns, u64 sys_ns) {
  __atomic_fetch_add(&parent->p_stats.child_user_ns, user_ns, __ATOMIC_RELAXED);
  __atomic_fetch_add(&parent->p_stats.child_sys_ns, sys_ns, __ATOMIC_RELAXED);
}

}  // namespace tine
