// Resuming a stopped process: what SIGCONT does (NetBSD kern_sig.c,
// proc_unstop). A process is stopped today only by PS_STOPFORK (fork1
// starts the child in SSTOP with its LWP in LSSTOP); stop signals are not
// implemented yet (core/proc/signal.cpp ignores them).
#include "core/proc/exit.h"
#include "core/sched/sched.h"

namespace tine {

bool proc_continue_locked(Proc* p) {
  // A ptrace stop ends by the tracer (or SIGKILL) only, as Linux's
  // TASK_TRACED: SIGCONT does not end it.
  if (p->p_stat != ProcStat::SSTOP || p->p_ptrace.stopped) return false;
  p->p_stat = ProcStat::SACTIVE;
  // The parent counted us among its stopped children until wait4 saw the
  // stop (p_waited) or now.
  if (!p->p_waited && p->p_pptr) p->p_pptr->p_nstopchild--;
  p->p_waited = false;
  Lwp* l = p->p_lwp;
  if (l && lwp_state_load(l) == LwpState::LSSTOP) sched_setrunnable(l);
  return true;
}

bool proc_continue(Proc* p) {
  MutexGuard g(proc_lock);
  return proc_continue_locked(p);
}

}  // namespace tine
