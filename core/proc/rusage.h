// A process's CPU time as getrusage, times, wait4 and the CPU-time clocks
// see it (core/sched/cputime.h charges the LWPs): its own (its LWPs',
// living and gone) and its reaped children's (Linux's cutime/cstime: what
// each child used and had collected from its own children, added when the
// parent's wait reaps it).
#pragma once

#include "core/proc/proc.h"

namespace tine {

struct CpuTimes {
  u64 user_ns = 0, sys_ns = 0;
};

// p's own CPU time: its LWPs' and the gone ones'. p: any process the
// caller keeps from being freed (its own, or one found under proc_lock);
// takes p's p_lock.
CpuTimes proc_cputime(const Proc* p);
CpuTimes proc_cputime_locked(const Proc* p) REQUIRES(p->p_lockobj->mutex);
// An LWP leaves p's list (p's other LWPs live on): its time stays p's.
void rusage_lwp_gone_locked(Proc* p, const Lwp* l) REQUIRES(p->p_lockobj->mutex);
// What p's reaped children used (RUSAGE_CHILDREN).
CpuTimes proc_children_cputime(const Proc* p);
// The LWP's own time (RUSAGE_THREAD).
CpuTimes lwp_cputime(const Lwp* l);

// What a wait reports for child c: its time and its reaped children's.
// Takes c's p_lock unless c is a zombie.
void rusage_of_child(const Proc* c, u64& user_ns, u64& sys_ns) REQUIRES(proc_lock);
// A wait reaps a child of parent: the time the wait reports for it
// (rusage_of_child's, read once, as Linux's wait_task_zombie) joins the
// parent's children's time.
void rusage_reap_locked(Proc* parent, u64 user_ns, u64 sys_ns) REQUIRES(proc_lock);

}  // namespace tine
