// The end of LWPs: exit(2) of one, and the single-threading that exit_group
// and exec do first (lwp_user.h).
#include "core/proc/lwp_user.h"

#include "core/proc/rusage.h"

#include "core/fs/filedesc.h"

#include "core/proc/coredump.h"
#include "core/proc/emul.h"
#include "core/proc/exit.h"
#include "core/proc/signal.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "core/vm/vm.h"
#include "hal/hal.h"

namespace tine {

Lwp* lwp_find_locked(Proc* p, i32 tid) {
  for (Lwp* l : p->p_lwps)
    if (l->l_lid == tid) return l;
  return nullptr;
}

void proc_sigflush_locked(Proc* p, u64 set) {
  sigqueue_flush(p->p_sigqueue, p->p_sigpend, set);
  for (Lwp* l : p->p_lwps) __atomic_and_fetch(&l->l_sigpend, ~set, __ATOMIC_RELEASE);
}

void lwp_exit_user(Lwp* l, int status) {
  Proc* p = l->proc;
  if (p->p_emul && p->p_emul->lwp_exit) p->p_emul->lwp_exit(l);
  bool last;
  {
    MutexGuard g(p->p_lock());
    last = p->p_nlwps == 1 && !p->p_single;
    if (last) p->p_single = l;  // nothing can make a thread any more
  }
  if (last) exit1_alone(l, status, 0);
  lwp_exit_thread(l);
}

void lwp_take_files_locked(Lwp* l, FileTable*& fd, CwdInfo*& cwdi) {
  fd = l->l_fd;
  cwdi = l->l_cwdi;
  l->l_fd = nullptr;
  l->l_cwdi = nullptr;
}

void lwp_drop_files(FileTable* fd, CwdInfo* cwdi) {
  if (fd) filetable_release(fd);
  if (cwdi) cwd_release(cwdi);
}

void lwp_release_files(Lwp* l) {
  FileTable* fd;
  CwdInfo* cwdi;
  {
    MutexGuard g(proc_lock);
    lwp_take_files_locked(l, fd, cwdi);
  }
  lwp_drop_files(fd, cwdi);
}

void lwp_exit_thread(Lwp* l) {
  Proc* p = l->proc;
  coredump_lwp_leaving(l);  // its registers, should a core be in the making
  // Before it leaves p_lwps (lwp_user.h says why). Should it be p_lwp,
  // procfs finds no table until another LWP represents the process (Linux
  // shows none once the leader has exited).
  lwp_release_files(l);
  {
    MutexGuard g(proc_lock);  // p_lwp changes under both
    MutexGuard pg(p->p_lock());
    KASSERT(p->p_nlwps > 1);
    sigqueue_forget(p->p_sigqueue, l);
    __atomic_store_n(&l->l_sigpend, 0, __ATOMIC_RELEASE);
    p->p_lwps.remove(l);
    rusage_lwp_gone_locked(p, l);
    p->p_nlwps--;
    if (p->p_lwp == l) {
      // The first LWP goes before the process: another represents it and
      // is the one wait4 frees; this one is freed as it switches away.
      // (Linux keeps the leader as a zombie instead.)
      Lwp* n = p->p_lwps.front();
      p->p_lwp = n;
      n->detached = false;
      l->detached = true;
    }
    // Its tid goes back, unless it is the pid, which the process keeps.
    if (l->l_lid != p->p_pid.value) proc_free_pid(Pid{l->l_lid});
    p->p_lwpcv.broadcast();
    // Process-wide signals it was the one to take go to another.
    sig_retarget_locked(p, l);
    // A kernel thread now, until it is gone, on the kernel map: before the
    // locks go, as the LWP that waits for p_nlwps to drop (exit_group,
    // exec, or the last one's exit) may then release the space and its
    // pmap, which no hart may still have loaded (pmap_destroy). In one step
    // with interrupts off, as exit1_alone: a switch between the two would
    // reload p_vmspace on the way back in (proc_switch).
    hal::IrqState s = hal::irq_save();
    l->proc = nullptr;
    vmspace_activate(nullptr);
    hal::irq_restore(s);
  }
  lwp_extra_gone();
  lwp_exit();
}

bool proc_single_thread(Lwp* l, bool for_exec) {
  Proc* p = l->proc;
  {
    // Already alone (the common exit and exec): p_lock suffices, as no LWP
    // is added once p_single is set (lwp_create_user checks it under p_lock).
    MutexGuard pg(p->p_lock());
    if (p->p_nlwps == 1 && (!p->p_single || p->p_single == l)) {
      p->p_single = for_exec ? nullptr : l;
      return true;
    }
  }
  {
    MutexGuard g(proc_lock);
    MutexGuard pg(p->p_lock());
    if (p->p_single && p->p_single != l) return false;
    p->p_single = l;
    if (p->p_nlwps == 1) {
      if (for_exec) p->p_single = nullptr;
      return true;
    }
    for (Lwp* o : p->p_lwps) {
      if (o == l) continue;
      (void)sigqueue_post(p->p_sigqueue, o->l_sigpend, siginfo_kernel(kSigKill), false, o);
      lwp_work_post(o, kWorkSignal);
      sleep_intr_wake(o);
    }
  }
  {
    // A stopped LWP runs to its death (a job-control stop ends as for
    // SIGKILL); a ptrace stop ends on SIGKILL too (ptrace_stop.cpp).
    MutexGuard g(proc_lock);
    sig_post_jobctl_locked(p, kSigKill);
    proc_waitcv.broadcast();
  }
  {
    MutexGuard pg(p->p_lock());
    while (p->p_nlwps > 1) p->p_lwpcv.wait(p->p_lock());
  }
  if (for_exec) {
    // Linux's de_thread: the exec'ing LWP takes over the pid.
    MutexGuard g(proc_lock);
    MutexGuard pg(p->p_lock());
    if (l->l_lid != p->p_pid.value) {
      proc_free_pid(Pid{l->l_lid});
      l->l_lid = p->p_pid.value;
    }
    p->p_lwp = l;
    l->detached = false;
    p->p_single = nullptr;
  }
  return true;
}

}  // namespace tine
