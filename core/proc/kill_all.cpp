// kill(-1, sig): every process the sender may signal, except system
// processes, init and the sender itself (NetBSD kern_sig.c, killpg1 with
// all set). This is where PK_SYSTEM (FORK_SYSTEM) acts.
#include "core/proc/exit.h"

namespace tine {

Result<void> kill_all_locked(Proc* sender, int sig) {
  unsigned found = 0;
  for (Proc* p : allproc) {
    if (p->p_pid.value <= 1 || p == initproc || p == sender) continue;
    if (p->p_stat != ProcStat::SACTIVE && p->p_stat != ProcStat::SSTOP) continue;
    {
      // Flags and credentials under the target's p_lock (a setuid there
      // replaces and frees its credentials).
      MutexGuard pg(p->p_lock());
      if (p->p_flag & PK_SYSTEM) continue;
      if (!kauth_authorize(proc_own_cred(sender), KauthAction::ProcessSignal, p->p_cred))
        continue;
    }
    found++;
    if (sig) {
      sig_post_jobctl_locked(p, sig);
      psignal(p, sig);
    }
  }
  if (!found) return Error::Srch;
  return ok();
}

}  // namespace tine
