// Posting a message queue's notification (mqueue.h), as Linux's
// __do_notify for SIGEV_SIGNAL: SI_MESGQ with the sender's pid and real
// uid and the registered sigev_value, to the registering process as a
// whole, without kill's permission check (it comes from the kernel).
// Linux also skips a process that has exec'd since it registered
// (self_exec_id); Tine does not track that and posts all the same.
#include "core/ipc/mqueue.h"

#include "core/proc/proc.h"
#include "core/proc/signal.h"

namespace tine {

void mqueue_notify_fire(const MqNotify& n, i32 sender_pid, u32 sender_uid) {
  SigInfo info = siginfo_kernel(n.signo, kSiMesgq);
  info.kill.pid = sender_pid;
  info.kill.uid = sender_uid;
  info.kill.value = n.value;
  MutexGuard g(proc_lock);
  Proc* p = proc_find_locked(Pid{n.pid});
  if (!p || p->p_stat == ProcStat::SDEAD || p->p_stat == ProcStat::SZOMB) return;
  (void)psignal_info(p, info, false);
}

}  // namespace tine
