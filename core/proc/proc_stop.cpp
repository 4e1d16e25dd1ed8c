// Job-control stops (NetBSD kern_sig.c: proc_stop, proc_unstop, and the
// SIGCONT/stop-signal rules of kpsignal2; Linux kernel/signal.c
// do_signal_stop, prepare_signal).
//
// A process stops itself, from the signal delivery loop on its way back to
// user mode (proc_stop_self), or starts stopped when fork1 made it under
// PS_STOPFORK (its LWP then never ran and is LSSTOP). Either way p_stat is
// SSTOP, p_xsig the stop signal, and until a waiter has reported the stop
// (p_waited) the parent counts it in p_nstopchild.
//
// A self-stopped LWP sleeps on proc_stopcv under proc_lock until p_stat is
// no longer SSTOP. Everything that ends a stop (SIGCONT, SIGKILL, a tracer)
// changes p_stat under proc_lock and broadcasts, so no wakeup is lost.
#include "core/proc/exit.h"
#include "core/proc/signal.h"
#include "core/proc/pgrp.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"

namespace tine {

namespace {
CondVar proc_stopcv("proc_stop");

constexpr u64 bit(int sig) { return u64(1) << (sig - 1); }
constexpr u64 kStopSigs = bit(kSigStop) | bit(kSigTstp) | bit(kSigTtin) | bit(kSigTtou);

// Tells p's parent of a stop or continue: SIGCHLD unless the parent set
// SA_NOCLDSTOP (PS_NOCLDSTOP), and a wakeup for its wait4/waitid. Linux
// sends SIGCHLD here whatever the child's exit signal (do_notify_parent_cldstop).
void notify_parent_locked(Proc* p) REQUIRES(proc_lock) {
  Proc* pp = p->p_pptr;
  if (!pp) return;
  bool nocldstop;
  {
    MutexGuard g(pp->p_lock());
    nocldstop = (pp->p_sflag & PS_NOCLDSTOP) != 0;
  }
  if (!nocldstop)
    psignal_child(pp, p, kSigChld, p->p_continued ? kCldContinued : kCldStopped,
                  p->p_continued ? kSigCont : p->p_xsig);
  proc_waitcv.broadcast();
}

// Ends p's stop. continued: a SIGCONT (or tracer) did it, which a
// WCONTINUED waiter will hear of; SIGKILL ends a stop silently.
void proc_unstop_locked(Proc* p, bool continued) REQUIRES(proc_lock) {
  p->p_stat = ProcStat::SACTIVE;
  // The parent counted us among its stopped children until a waiter saw
  // the stop (p_waited) or now.
  if (!p->p_waited && p->p_pptr) {
    KASSERT(p->p_pptr->p_nstopchild > 0);
    p->p_pptr->p_nstopchild--;
  }
  p->p_waited = false;
  if (continued) {
    p->p_continued = true;
    p->p_xsig = kSigCont;
  }
  Lwp* l = p->p_lwp;
  if (l && lwp_state_load(l) == LwpState::LSSTOP) {
    sched_setrunnable(l);  // a PS_STOPFORK child that never ran
  } else {
    proc_stopcv.broadcast();
  }
}
}  // namespace

bool sig_is_stop(int sig) { return sig > 0 && sig < int(kNsig) && (kStopSigs & bit(sig)); }

void proc_stop_self(Lwp* l, int sig, u32 contgen) {
  Proc* p = l->proc;
  KASSERT(p && sig_is_stop(sig));
  MutexGuard g(proc_lock);
  {
    // A SIGCONT posted since the stop signal was taken (contgen, read with
    // it under p_lock) cancels the stop, as it would have discarded the
    // signal had it come first (Linux takes both under one siglock). Its
    // sender holds proc_lock from the continue to the post, so it either
    // ends a stop made here or moves p_contgen before we look.
    MutexGuard pg(p->p_lock());
    if (p->p_contgen != contgen) return;
  }
  // SIGKILL wins over a stop that has not happened yet.
  if (__atomic_load_n(&p->p_sigpend, __ATOMIC_ACQUIRE) & bit(kSigKill)) return;
  // POSIX: the terminal stop signals do not stop a process of an orphaned
  // process group (nobody is left to continue it); Linux discards them at
  // delivery too (get_signal: is_current_pgrp_orphaned).
  if (sig != kSigStop && pgrp_is_orphaned_locked(p->p_pgrp)) return;
  p->p_stat = ProcStat::SSTOP;
  p->p_xsig = sig;
  p->p_waited = false;
  p->p_continued = false;
  if (p->p_pptr) p->p_pptr->p_nstopchild++;
  notify_parent_locked(p);
  {
    // The process's other LWPs stop too, on their way to user mode; those
    // asleep leave their sleep for it (sigpending_interrupts).
    MutexGuard pg(p->p_lock());
    for (Lwp* o : p->p_lwps)
      if (o != l) {
        lwp_work_post(o, kWorkSignal);
        sleep_intr_wake(o);
      }
  }
  // Sleeps until SIGCONT, SIGKILL or a tracer ends the stop. Not an
  // interruptible sleep: other signals stay pending until then.
  while (p->p_stat == ProcStat::SSTOP) proc_stopcv.wait(proc_lock);
}

bool proc_stopped_by_other(const Lwp* l) NO_THREAD_SAFETY_ANALYSIS {
  // A hint, read without proc_lock; proc_stop_join looks again under it.
  // A ptrace stop is the one traced LWP's, not the process's.
  const Proc* p = l->proc;
  const auto stat = static_cast<ProcStat>(
      __atomic_load_n(reinterpret_cast<const u8*>(&p->p_stat), __ATOMIC_ACQUIRE));
  return stat == ProcStat::SSTOP && !__atomic_load_n(&p->p_ptrace.stopped, __ATOMIC_ACQUIRE);
}

void proc_stop_join(Lwp* l) {
  Proc* p = l->proc;
  MutexGuard g(proc_lock);
  while (p->p_stat == ProcStat::SSTOP && !p->p_ptrace.stopped) proc_stopcv.wait(proc_lock);
}

bool proc_continue_locked(Proc* p) {
  // A ptrace stop ends by the tracer (or SIGKILL) only, as Linux's
  // TASK_TRACED: SIGCONT does not end it.
  if (p->p_stat != ProcStat::SSTOP || p->p_ptrace.stopped) return false;
  proc_unstop_locked(p, true);
  notify_parent_locked(p);
  return true;
}

bool proc_continue(Proc* p) {
  MutexGuard g(proc_lock);
  return proc_continue_locked(p);
}

void sig_post_jobctl_locked(Proc* p, int sig) {
  // psignal_info discards pending stops for SIGCONT and a pending SIGCONT
  // for a stop signal (signal.cpp).
  if (sig == kSigCont) {
    // Posting SIGCONT resumes the process, whatever SIGCONT's action
    // (POSIX; kern_sig.c).
    (void)proc_continue_locked(p);
  } else if (sig == kSigKill && p->p_stat == ProcStat::SSTOP && !p->p_ptrace.stopped) {
    // SIGKILL ends a stop: the process runs to its death (silently: the
    // parent hears of the kill, not of a continue). A ptrace stop ends
    // through its own wakeup (ptrace_stop.cpp).
    proc_unstop_locked(p, false);
  }
}

void proc_sigchld_action_locked(Proc* p, uptr handler, u64 flags) {
  // rt_sigaction of SIGCHLD: the flags exit and the stop code read from
  // the parent (NetBSD kern_sig.c sigaction1; init keeps its zombies to
  // reap, so it never sets the last two).
  const bool init = p->p_pid.value == 1;
  if (flags & kSaNoCldStop) {
    p->p_sflag |= PS_NOCLDSTOP;
  } else {
    p->p_sflag &= ~PS_NOCLDSTOP;
  }
  if ((flags & kSaNoCldWait) && !init) {
    p->p_flag |= PK_NOCLDWAIT;
  } else {
    p->p_flag &= ~PK_NOCLDWAIT;
  }
  if (handler == kSigIgn && !init) {
    p->p_flag |= PK_CLDSIGIGN;
  } else {
    p->p_flag &= ~PK_CLDSIGIGN;
  }
}

}  // namespace tine
