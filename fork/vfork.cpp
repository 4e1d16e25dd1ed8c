// The vfork hand-off (kern_fork.c / kern_exit.c / kern_exec.c): a parent
// forked with FORK_PPWAIT sleeps on its own LWP's condition variable under
// proc_lock until the child's successful exec or its exit clears
// l_vforkwaiting and wakes exactly that LWP. A failed exec does not.
#include "core/sync/condvar.h"
#include "fork/fork.h"

namespace tine {

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
