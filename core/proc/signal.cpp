// Signals, as much as the fork core needs: posting, kill(2), default
// actions (terminate or ignore), and acting on them on the way back to user
// mode. Caught signals are recorded (sigaction works) but not delivered to
// handlers yet: such a signal stays pending, as if blocked.
#include "core/proc/exit.h"
#include "core/proc/ptrace.h"
#include "core/sched/sched.h"

namespace tine {

bool sig_default_kills(int sig) {
  switch (sig) {
    case kSigChld:
    case kSigCont:
    case 23:  // SIGURG
    case 28:  // SIGWINCH
    case kSigStop:
    case 20:  // SIGTSTP
    case 21:  // SIGTTIN
    case 22:  // SIGTTOU: job control stops are not implemented; ignored
      return false;
    default:
      return true;
  }
}

namespace {
u64 bit(int sig) { return u64(1) << (sig - 1); }

// Reads the actions without p_lock: callers poll (sigpending_fatal) from
// under other locks, and a stale answer only delays the kill by one poll.
bool deliverable_fatal(Proc* p, u64 pending, u64 mask) {
  if (pending & bit(kSigKill)) return true;
  for (int sig = 1; sig < int(kNsig); sig++) {
    if (!(pending & bit(sig)) || (mask & bit(sig))) continue;
    if (p->p_sigacts->actions[sig].handler == kSigDfl && sig_default_kills(sig)) return true;
  }
  return false;
}
}  // namespace

void psignal(Proc* p, int sig) {
  if (sig <= 0 || sig >= int(kNsig)) return;
  MutexGuard g(p->p_lock());
  const uptr h = p->p_sigacts->actions[sig].handler;
  // A tracee's tracer hears of ignored signals too (Linux's sig_ignored).
  if (sig != kSigKill && !ptrace_traced(p) &&
      (h == kSigIgn || (h == kSigDfl && !sig_default_kills(sig))))
    return;
  __atomic_or_fetch(&p->p_sigpend, bit(sig), __ATOMIC_RELEASE);
}

Result<void> kill1(Proc* sender, i32 pid, int sig) {
  if (sig < 0 || sig >= int(kNsig)) return Error::Inval;
  MutexGuard g(proc_lock);
  if (pid == -1) return kill_all_locked(sender, sig);
  if (pid <= 0) return Error::Srch;  // process groups are not supported
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
  // SIGCONT resumes a stopped process whatever its action (kern_sig.c).
  if (sig == kSigCont) (void)proc_continue_locked(target);
  psignal(target, sig);
  // SIGKILL ends a ptrace stop (ptrace_stop.cpp sleeps on proc_waitcv).
  if (sig == kSigKill) proc_waitcv.broadcast();
  return ok();
}

bool sigpending_fatal() {
  Lwp* l = curlwp();
  Proc* p = l ? l->proc : nullptr;
  if (!p) return false;
  const u64 pending = __atomic_load_n(&p->p_sigpend, __ATOMIC_ACQUIRE);
  return pending && deliverable_fatal(p, pending, l->l_sigmask);
}

void userret_signals(Lwp* l) {
  Proc* p = l->proc;
  // The common case, nothing pending, without the lock.
  if (__atomic_load_n(&p->p_sigpend, __ATOMIC_ACQUIRE) == 0) return;
  // A tracee shows its tracer every signal but SIGKILL first; the tracer's
  // answer is delivered instead (ptrace_signal_stop).
  while (ptrace_traced(p)) {
    int sig = 0;
    {
      MutexGuard g(p->p_lock());
      const u64 pending = p->p_sigpend & ~l->l_sigmask;
      if (!pending || (p->p_sigpend & bit(kSigKill))) break;
      for (sig = 1; !(pending & bit(sig)); sig++) {
      }
      __atomic_and_fetch(&p->p_sigpend, ~bit(sig), __ATOMIC_RELEASE);
    }
    sig = ptrace_signal_stop(l, sig);
    if (sig > 0 && sig < int(kNsig) && p->p_sigacts->actions[sig].handler == kSigDfl &&
        sig_default_kills(sig))
      exit1(l, 0, sig);
  }
  int fatal = 0;
  {
    MutexGuard g(p->p_lock());
    const u64 pending = p->p_sigpend;
    if (!pending) return;
    if (pending & bit(kSigKill)) {
      fatal = kSigKill;
    } else {
      for (int sig = 1; sig < int(kNsig) && !fatal; sig++) {
        if (!(pending & bit(sig)) || (l->l_sigmask & bit(sig))) continue;
        if (p->p_sigacts->actions[sig].handler == kSigDfl && sig_default_kills(sig))
          fatal = sig;
      }
    }
  }
  if (fatal) exit1(l, 0, fatal);
}

}  // namespace tine
