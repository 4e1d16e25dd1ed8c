// The vfork hand-off: see vfork.h.
#include "core/proc/vfork.h"

#include "core/sync/condvar.h"

namespace tine {

// Not interruptible, as the seed (kern_fork.c: cv_wait on p_waitcv): the
// parent shares its address space with the child, so it must not run, not
// even to die. A SIGKILL sent to the parent stays pending and takes effect
// when the child execs or exits and vfork_release lets the parent go.
void vfork_wait(Lwp* l1) {
  while (l1->l_vforkwaiting) l1->l_waitcv->wait(proc_lock);
}

void vfork_release(Proc* p) {
  if (!(p->p_lflag & PL_PPWAIT)) return;
  p->p_lflag &= ~PL_PPWAIT;
  Lwp* lp = p->p_vforklwp;
  p->p_vforklwp = nullptr;
  if (lp) {
    lp->l_vforkwaiting = false;
    lp->l_waitcv->broadcast();
  }
}

}  // namespace tine
