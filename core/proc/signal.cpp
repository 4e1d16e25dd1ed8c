// Signals (NetBSD kern_sig.c, with Linux's semantics where the ABI shows):
// posting (psignal, kill), the default actions, and the delivery loop on
// the way back to user mode, which ignores, kills, stops or runs a handler
// (core/proc/sendsig.cpp builds its frame).
#include "core/proc/signal.h"

#include "core/lib/bits.h"
#include "core/proc/exit.h"
#include "core/proc/lwp_user.h"
#include "core/proc/pgrp.h"
#include "core/proc/plimit.h"
#include "core/proc/ptrace.h"
#include "core/proc/sendsig.h"
#include "core/proc/syscall.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"

namespace tine {

SigDefault sig_default(int sig) {
  switch (sig) {
    case kSigChld:
    case 23:  // SIGURG
    case 28:  // SIGWINCH
      return SigDefault::Ignore;
    case kSigCont: return SigDefault::Cont;
    case kSigStop:
    case kSigTstp:
    case kSigTtin:
    case kSigTtou: return SigDefault::Stop;
    case kSigQuit:
    case kSigIll:
    case kSigTrap:
    case kSigAbrt:
    case kSigBus:
    case kSigFpe:
    case kSigSegv:
    case 24:  // SIGXCPU
    case 25:  // SIGXFSZ
    case 31:  // SIGSYS
      return SigDefault::Core;
    default: return SigDefault::Term;
  }
}

bool sig_default_kills(int sig) {
  const SigDefault d = sig_default(sig);
  return d == SigDefault::Term || d == SigDefault::Core;
}

namespace {
// Faults the program caused: taken before any other signal, so a handler
// sees its own fault first (Linux's SYNCHRONOUS_MASK).
constexpr u64 kSyncMask = sigbit(kSigSegv) | sigbit(kSigBus) | sigbit(kSigIll) |
                          sigbit(kSigTrap) | sigbit(kSigFpe) | sigbit(31);
constexpr u64 kStopMask =
    sigbit(kSigStop) | sigbit(kSigTstp) | sigbit(kSigTtin) | sigbit(kSigTtou);

// Whether posting sig now would do nothing (Linux's sig_ignored): an
// ignored action, unless blocked (sigwait may still take it, and the
// action may change before it is unblocked). init has no default actions
// at all (SIGNAL_UNKILLABLE): whoever sends it a signal it has no handler
// for, the signal is dropped, SIGKILL included. Faults are forced
// (user_fault_signal) and never come here for init.
bool sig_discarded(Proc* p, const SigAction& a, int sig, u64 mask) {
  if (p == initproc && a.handler == kSigDfl) return true;
  if (sig == kSigKill || (mask & sigbit(sig))) return false;
  // A tracee's tracer hears of ignored signals too (Linux's sig_ignored).
  if (ptrace_traced(p)) return false;
  if (a.handler == kSigIgn) return true;
  if (a.handler != kSigDfl) return false;
  const SigDefault d = sig_default(sig);
  return d == SigDefault::Ignore || d == SigDefault::Cont;
}

// The next signal to act on: SIGKILL, then faults, then the lowest.
int pick(u64 pending, u64 mask) {
  if (pending & sigbit(kSigKill)) return kSigKill;
  const u64 ready = pending & ~mask;
  if (!ready) return 0;
  const u64 sync = ready & kSyncMask;
  return lowest_set_bit(sync ? sync : ready) + 1;
}

u64 lwp_mask(const Lwp* l) { return l ? __atomic_load_n(&l->l_sigmask, __ATOMIC_RELAXED) : 0; }

// Whether l would take sig now: it does not block it, or it waits for it
// in rt_sigtimedwait (Linux unblocks the waited set for the wait).
bool lwp_wants(const Lwp* l, int sig) {
  return !(lwp_mask(l) & sigbit(sig)) ||
         (__atomic_load_n(&l->l_sigwaitset, __ATOMIC_SEQ_CST) & sigbit(sig));
}

// Wakes the LWPs that should see a process-wide `sig` now: all of them for
// SIGKILL; else the first that does not block it (the representative
// first, as Linux's complete_signal prefers the main thread). Waking one
// that then finds the signal taken costs a look, nothing more.
void wake_for_locked(Proc* p, int sig) REQUIRES(p->p_lockobj->mutex) {
  if (sig == kSigKill) {
    for (Lwp* l : p->p_lwps) sleep_intr_wake(l);
    return;
  }
  // The signal is posted (an atomic or) before the LWPs' masks and wait
  // sets are read: the waiter stores its set before it looks.
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (p->p_lwp && lwp_wants(p->p_lwp, sig)) {
    sleep_intr_wake(p->p_lwp);
    return;
  }
  for (Lwp* l : p->p_lwps)
    if (lwp_wants(l, sig)) {
      sleep_intr_wake(l);
      return;
    }
}
}  // namespace

void sig_retarget_locked(Proc* p, const Lwp* gone) {
  u64 shared = __atomic_load_n(&p->p_sigpend, __ATOMIC_ACQUIRE);
  while (shared) {
    const int sig = lowest_set_bit(shared) + 1;
    shared &= shared - 1;
    for (Lwp* l : p->p_lwps)
      if (l != gone && lwp_wants(l, sig)) {
        sleep_intr_wake(l);
        break;
      }
  }
}

SigInfo sig_take_locked(Proc* p, Lwp* l, int sig) {
  if (__atomic_load_n(&l->l_sigpend, __ATOMIC_RELAXED) & sigbit(sig))
    return sigqueue_take(p->p_sigqueue, l->l_sigpend, sig, l);
  return sigqueue_take(p->p_sigqueue, p->p_sigpend, sig, nullptr);
}

namespace {
Result<void> psignal_info_locked(Proc* p, const SigInfo& info, bool must_queue, Lwp* to)
    REQUIRES(p->p_lockobj->mutex) {
  const int sig = info.si_signo;
  if (sig <= 0 || sig >= int(kNsig)) return Error::Inval;
  // A stop and SIGCONT cancel each other (kern_sig.c, Linux prepare_signal),
  // before anything is discarded: a SIGCONT left to its default action is
  // not queued, yet it still takes back a pending stop. p_contgen tells an
  // LWP that took a stop signal before this SIGCONT not to stop for it
  // (proc_stop_self).
  if (sig == kSigCont) {
    proc_sigflush_locked(p, kStopMask);
    p->p_contgen++;
  }
  if (kStopMask & sigbit(sig)) proc_sigflush_locked(p, sigbit(kSigCont));
  if (sig_discarded(p, p->p_sigacts->actions[sig], sig, lwp_mask(to ? to : p->p_lwp)))
    return ok();
  // Counted against the receiver's real uid and its RLIMIT_SIGPENDING, as
  // Linux's __sigqueue_alloc.
  const SigCharge charge{p->p_cred->uid, p->p_limit->limits[kRlimitSigpending].cur};
  Result<void> posted =
      to ? sigqueue_post(p->p_sigqueue, to->l_sigpend, info, must_queue, to, &charge)
         : sigqueue_post(p->p_sigqueue, p->p_sigpend, info, must_queue, nullptr, &charge);
  // After posting: the sleeper's check must see the signal when it looks.
  if (posted.ok()) {
    if (to) {
      lwp_work_post(to, kWorkSignal);
      sleep_intr_wake(to);
    } else {
      // Any of them may take it (or stop for it): each looks once.
      for (Lwp* l : p->p_lwps) lwp_work_post(l, kWorkSignal);
      wake_for_locked(p, sig);
    }
  }
  return posted;
}
}  // namespace

Result<void> psignal_info(Proc* p, const SigInfo& info, bool must_queue, Lwp* to) {
  MutexGuard g(p->p_lock());
  return psignal_info_locked(p, info, must_queue, to);
}

Result<void> psignal_info_tid(Proc* p, const SigInfo& info, i32 tid) {
  MutexGuard g(p->p_lock());
  Lwp* l = lwp_find_locked(p, tid);
  if (!l) return Error::Srch;
  return psignal_info_locked(p, info, false, l);
}

void psignal(Proc* p, int sig) { (void)psignal_info(p, siginfo_kernel(sig), false); }

void user_fault_signal(const SigInfo& info) {
  Lwp* l = curlwp();
  Proc* p = l->proc;
  const int sig = info.si_signo;
  // As Linux's force_sig: a fault that is blocked or ignored would only
  // fault again, so it takes the default action (and kills, init too).
  MutexGuard g(p->p_lock());
  SigAction& a = p->p_sigacts->actions[sig];
  if (a.handler == kSigIgn || (l->l_sigmask & sigbit(sig))) {
    if (a.handler != kSigDfl) a.handler = kSigDfl;  // not on sigacts_default
    __atomic_and_fetch(&l->l_sigmask, ~sigbit(sig), __ATOMIC_RELAXED);
  }
  (void)sigqueue_post(p->p_sigqueue, l->l_sigpend, info, false, l);
  lwp_work_post(l, kWorkSignal);
}

SigInfo siginfo_from(Proc* sender, int sig, i32 code) {
  SigInfo info = siginfo_kernel(sig, code);
  MutexGuard g(sender->p_lock());
  info.kill.pid = sender->p_pid.value;
  info.kill.uid = sender->p_cred->uid.value;
  return info;
}

SigInfo siginfo_child(Proc* child, int sig, i32 code, i32 status) {
  SigInfo info = siginfo_kernel(sig, code);
  MutexGuard g(child->p_lock());
  info.chld.pid = child->p_pid.value;
  info.chld.uid = child->p_cred->uid.value;
  info.chld.status = status;
  return info;
}

SigInfo siginfo_child_exit(Proc* child, int sig) {
  // CLD_DUMPED only when a core file was written (core/proc/coredump.h).
  const i32 code = !child->p_xsig ? kCldExited : child->p_coredumped ? kCldDumped : kCldKilled;
  SigInfo info = siginfo_kernel(sig, code);
  info.chld.pid = child->p_pid.value;
  // No p_lock: no LWP of a zombie runs setuid any more, so its p_cred
  // stays as it is (as wait's zombie_cred).
  info.chld.uid = proc_own_cred(child)->uid.value;
  info.chld.status = child->p_xsig ? child->p_xsig : child->p_xexit;
  return info;
}

void psignal_child(Proc* parent, Proc* child, int sig, i32 code, i32 status) {
  (void)psignal_info(parent, siginfo_child(child, sig, code, status), false);
}

Result<void> kill_proc(Proc* sender, i32 pid, const SigInfo& info, bool must_queue) {
  const int sig = info.si_signo;
  if (sig < 0 || sig >= int(kNsig)) return Error::Inval;
  if (pid <= 0) return Error::Srch;
  MutexGuard g(proc_lock);
  Proc* target = proc_find_locked(Pid{pid});
  if (!target || target->p_stat == ProcStat::SDEAD) return Error::Srch;
  {
    // The target's credentials only under its p_lock: a setuid there
    // replaces and frees them.
    MutexGuard tg(target->p_lock());
    if (!kauth_authorize(proc_own_cred(sender), KauthAction::ProcessSignal, target->p_cred))
      return Error::Perm;
  }
  if (sig == 0 || target->p_stat == ProcStat::SZOMB) return ok();
  // SIGCONT resumes a stopped process whatever its action (kern_sig.c);
  // SIGKILL ends a stop (proc_stop.cpp).
  sig_post_jobctl_locked(target, sig);
  TRY(psignal_info(target, info, must_queue));
  // SIGKILL ends a ptrace stop (ptrace_stop.cpp sleeps on proc_waitcv).
  if (sig == kSigKill) proc_waitcv.broadcast();
  return ok();
}

namespace {
// The LWP `tid` of p, if p is a live process.
Lwp* live_lwp_locked(Proc* p, i32 tid) REQUIRES(proc_lock) {
  if (p->p_stat != ProcStat::SACTIVE && p->p_stat != ProcStat::SSTOP) return nullptr;
  MutexGuard pg(p->p_lock());
  return lwp_find_locked(p, tid);
}
}  // namespace

Result<void> kill_lwp(Proc* sender, i32 tgid, i32 tid, const SigInfo& info, bool must_queue) {
  const int sig = info.si_signo;
  if (tid <= 0) return Error::Inval;
  MutexGuard g(proc_lock);
  // The thread: in tgid, or in any process (tkill).
  Proc* target = nullptr;
  Lwp* l = nullptr;
  if (tgid > 0) {
    target = proc_find_locked(Pid{tgid});
    if (target) l = live_lwp_locked(target, tid);
  } else {
    for (Proc* p : allproc)
      if ((l = live_lwp_locked(p, tid))) {
        target = p;
        break;
      }
  }
  if (!l) return Error::Srch;
  if (sig < 0 || sig >= int(kNsig)) return Error::Inval;
  {
    MutexGuard tg(target->p_lock());
    if (!kauth_authorize(proc_own_cred(sender), KauthAction::ProcessSignal, target->p_cred))
      return Error::Perm;
  }
  if (sig == 0) return ok();
  sig_post_jobctl_locked(target, sig);
  // l cannot leave p_lwps while proc_lock is held (lwp_exit_thread).
  TRY(psignal_info(target, info, must_queue, l));
  if (sig == kSigKill) proc_waitcv.broadcast();
  return ok();
}

Result<void> kill1(Proc* sender, i32 pid, int sig) {
  if (sig < 0 || sig >= int(kNsig)) {
    // Linux looks a single target up before it checks the signal: no such
    // process is ESRCH whatever the signal (kill_pid_info_type).
    if (pid > 0) {
      MutexGuard g(proc_lock);
      Proc* t = proc_find_locked(Pid{pid});
      if (!t || t->p_stat == ProcStat::SDEAD) return Error::Srch;
    }
    return Error::Inval;
  }
  if (pid == -1) {
    MutexGuard g(proc_lock);
    return kill_all_locked(sender, sig);
  }
  // kill(0): the sender's group; kill(-pgid): that group (core/proc/pgrp.cpp).
  if (pid <= 0) {
    if (pid == INT32_MIN) return Error::Srch;
    MutexGuard g(proc_lock);
    return pgrp_signal_locked(sender, pid == 0 ? sender->p_pgrp : pgrp_find_locked(Pid{-pid}), sig);
  }
  return kill_proc(sender, pid, siginfo_from(sender, sig, kSiUser), false);
}

bool sigpending_interrupts() {
  Lwp* l = curlwp();
  Proc* p = l ? l->proc : nullptr;
  if (!p) return false;
  const u64 pending = __atomic_load_n(&p->p_sigpend, __ATOMIC_ACQUIRE) |
                      __atomic_load_n(&l->l_sigpend, __ATOMIC_ACQUIRE);
  // Another LWP stopped the process: this one leaves its sleep to stop
  // too (userret), and its syscall restarts after the continue.
  return (pending & l->l_sigwaitset) || proc_stopped_by_other(l) ||
         pick(pending, __atomic_load_n(&l->l_sigmask, __ATOMIC_RELAXED)) != 0;
}

bool sigpending_fatal() {
  Lwp* l = curlwp();
  Proc* p = l ? l->proc : nullptr;
  if (!p) return false;
  const u64 pending = __atomic_load_n(&p->p_sigpend, __ATOMIC_ACQUIRE) |
                      __atomic_load_n(&l->l_sigpend, __ATOMIC_ACQUIRE);
  if (pending & sigbit(kSigKill)) return true;
  const u64 ready = pending & ~l->l_sigmask;
  if (!ready) return false;
  // Without p_lock: a stale action only delays the answer to the next look.
  for (int sig = 1; sig < int(kNsig); sig++)
    if ((ready & sigbit(sig)) && p->p_sigacts->actions[sig].handler == kSigDfl &&
        sig_default_kills(sig))
      return true;
  return false;
}

void userret_signals(Lwp* l) {
  Proc* p = l->proc;
  hal::UserFrame* f = hal::user_frame_of(l->stack);
  for (;;) {
    // Another LWP stopped the process: stop with it (proc_stop.cpp).
    if (proc_stopped_by_other(l)) proc_stop_join(l);
    if ((__atomic_load_n(&p->p_sigpend, __ATOMIC_ACQUIRE) |
         __atomic_load_n(&l->l_sigpend, __ATOMIC_ACQUIRE)) == 0)
      break;
    int sig;
    SigInfo info;
    SigAction act;
    bool traced;
    u32 contgen;
    {
      MutexGuard g(p->p_lock());
      sig = pick(p->p_sigpend | l->l_sigpend, l->l_sigmask);
      if (!sig) break;
      info = sig_take_locked(p, l, sig);
      contgen = p->p_contgen;
      act = p->p_sigacts->actions[sig];
      // Looked at once the signal is ours, not before: PTRACE_ATTACH sets
      // PSL_TRACED before it posts its SIGSTOP, so a SIGSTOP seen here
      // comes with the flag. Read earlier (a blocked signal pending keeps
      // this loop going), an attach in between made that SIGSTOP a
      // job-control stop the tracer never saw. ptrace_signal_stop
      // re-checks under proc_lock.
      traced = ptrace_traced(p);
    }
    if (traced && sig != kSigKill) {
      // The tracer sees the signal first and may change or cancel it.
      const int to = ptrace_signal_stop(l, sig, info.si_code);
      if (to <= 0 || to >= int(kNsig)) continue;
      if (to != sig) {
        info = siginfo_kernel(to, kSiUser);
        sig = to;
      }
      MutexGuard g(p->p_lock());
      // A changed signal that is now blocked waits, as Linux requeues it.
      if (l->l_sigmask & sigbit(sig)) {
        (void)sigqueue_post(p->p_sigqueue, l->l_sigpend, info, false, l);
        lwp_work_post(l, kWorkSignal);
        continue;
      }
      act = p->p_sigacts->actions[sig];
    }
    if (act.handler == kSigIgn && sig != kSigKill) continue;
    if (act.handler == kSigDfl || sig == kSigKill) {
      switch (sig_default(sig)) {
        case SigDefault::Ignore:
        case SigDefault::Cont: continue;
        case SigDefault::Stop:
          // init cannot be stopped (psignal already dropped the signal
          // unless init has a handler, so nothing reaches here for it).
          proc_stop_self(l, sig, contgen);
          continue;
        case SigDefault::Term: exit1(l, 0, sig);
        case SigDefault::Core: exit1(l, 0, sig, &info);  // with a core, if allowed
      }
    }
    // A handler runs: the syscall it interrupted returns EINTR or, under
    // SA_RESTART for an ERESTARTSYS-like error, restarts after it.
    syscall_restart_for_handler(l, f, act.flags & kSaRestart);
    if (!sendsig(l, f, sig, info, act)) {
      // The frame could not be written: SIGSEGV, forced (Linux
      // force_sigsegv; for a SIGSEGV handler the default, so it kills).
      if (sig == kSigSegv) {
        MutexGuard g(p->p_lock());
        SigAction& a = p->p_sigacts->actions[kSigSegv];
        if (a.handler != kSigDfl) a.handler = kSigDfl;  // not on sigacts_default
      }
      user_fault_signal(siginfo_kernel(kSigSegv));
      continue;
    }
  }
  // No handler ran: an interrupted syscall restarts, rt_sigsuspend's mask
  // goes back.
  syscall_restart_no_handler(l, f);
  if (l->l_sigsaved_set) {
    MutexGuard g(p->p_lock());
    l->l_sigmask = l->l_sigsaved;
    l->l_sigsaved_set = false;
  }
}

}  // namespace tine
