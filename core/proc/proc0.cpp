#include "core/proc/proc0.h"

#include "core/sync/condvar.h"
#include "core/proc/emul.h"
#include "core/proc/pgrp.h"
#include "core/fs/filedesc.h"
#include "core/vm/heap.h"
#include "core/lib/new.h"
#include "core/proc/proc.h"
#include "core/lib/string.h"

namespace tine {

Proc* g_proc0 = nullptr;

void proc0_init(Lwp* lwp0) {
  Proc* p = MUST(proc_struct_alloc());
  p->p_pid = Pid{0};
  memcpy(p->p_comm, "swapper", 8);
  p->p_lockobj = proc_own_lockobj(p);
  proc_assert_private(p);  // published at the end
  p->p_cred = MUST(cred_create_root());
  p->p_limit = MUST(lim_create_default());
  p->p_sigacts = &sigacts_default;  // all default (core/proc/sigacts.h)
  lwp0->l_fd = MUST(filetable_create());
  MUST(fd_open_console_stdio(lwp0->l_fd));
  lwp0->l_cwdi = MUST(cwd_create());
  p->p_emul = &emul_linux;
  p->p_flag = PK_SYSTEM;
  p->p_lwp = lwp0;
  p->p_lwps.push_back(lwp0);
  p->p_nlwps = 1;
  // A session and process group for everyone forked from here.
  Session* s = new (std::nothrow) Session;
  Pgrp* pg = new (std::nothrow) Pgrp;
  KASSERT(s && pg);
  s->sid = Pid{1};
  pg->pgid = Pid{1};
  pg->session = s;
  // The boot thread was not made by lwp_alloc: give it the condition
  // variable a vfork parent waits on.
  if (!lwp0->l_waitcv) lwp0->l_waitcv = new (std::nothrow) CondVar("l_waitcv");
  KASSERT(lwp0->l_waitcv);
  lwp0->proc = p;
  {
    MutexGuard g(proc_lock);
    p->p_stat = ProcStat::SACTIVE;
    pgrp_join_locked(p, pg);
    proc_list_insert_locked(p);
  }
  __atomic_add_fetch(&nprocs, 1u, __ATOMIC_RELAXED);
  MUST(chgproccnt_inc(kRootUid));
  g_proc0 = p;
}

}  // namespace tine
