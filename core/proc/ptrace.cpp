#include "core/proc/ptrace.h"

#include "core/proc/proc.h"

namespace tine {

namespace {
// Moves p under new_parent, carrying its stopped-child count with it
// (NetBSD's proc_reparent).
void trace_reparent_locked(Proc* p, Proc* new_parent) REQUIRES(proc_lock) {
  Proc* old = p->p_pptr;
  if (old == new_parent) return;
  const bool counted_stop = p->p_stat == ProcStat::SSTOP && !p->p_waited;
  if (old) {
    old->p_children.remove(p);
    if (counted_stop) old->p_nstopchild--;
  }
  p->p_pptr = new_parent;
  __atomic_store_n(&p->p_ppid, new_parent->p_pid.value, __ATOMIC_RELAXED);
  new_parent->p_children.push_back(p);
  if (counted_stop) new_parent->p_nstopchild++;
}
}  // namespace

Result<void> proc_trace_attach(Proc* tracer, Proc* target) {
  MutexGuard g(proc_lock);
  // The order of NetBSD's ptrace_allowed() for PT_ATTACH.
  if (tracer == target) return Error::Inval;
  if (target == initproc) return Error::Perm;
  {
    MutexGuard tg(target->p_lock());
    if (target->p_flag & PK_SYSTEM) return Error::Perm;
  }
  if (target->p_slflag & PSL_TRACED) return Error::Busy;
  if (target->p_stat != ProcStat::SACTIVE && target->p_stat != ProcStat::SSTOP)
    return Error::Srch;  // exiting or a zombie
  target->p_slflag |= PSL_TRACED;
  target->p_opptr = target->p_pptr;
  trace_reparent_locked(target, tracer);
  return ok();
}

Result<void> proc_trace_set_events(Proc* tracer, Proc* target, u32 events) {
  MutexGuard g(proc_lock);
  if (!(target->p_slflag & PSL_TRACED) || target->p_pptr != tracer) return Error::Perm;
  target->p_slflag &= ~(PSL_TRACEFORK | PSL_TRACEVFORK);
  if (events & PTRACE_FORK) target->p_slflag |= PSL_TRACEFORK;
  if (events & PTRACE_VFORK) target->p_slflag |= PSL_TRACEVFORK;
  return ok();
}

}  // namespace tine
