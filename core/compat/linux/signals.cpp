// Linux signal syscalls: actions, the mask, waiting for and queueing
// signals, the alternate stack and the return from a handler. Thin: the
// semantics are core/proc/signal.cpp's and sendsig.cpp's.
#include "core/compat/linux/linux.h"
#include "core/compat/linux/sigwait.h"

#include "core/lib/bits.h"
#include "core/proc/exit.h"
#include "core/proc/lwp_user.h"
#include "core/proc/proc.h"
#include "core/proc/sendsig.h"
#include "core/proc/signal.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

// The kernel's struct sigaction on riscv64 (asm-generic/signal.h without
// SA_RESTORER): handler, flags, mask; 24 bytes, no restorer field.
struct LinuxSigaction {
  u64 handler, flags, mask;
};
static_assert(sizeof(LinuxSigaction) == 24);

namespace {
// stack_t: ss_sp, ss_flags (int), ss_size.
struct LinuxStack {
  u64 sp;
  i32 flags;
  i32 pad;
  u64 size;
};
static_assert(sizeof(LinuxStack) == 24);
}  // namespace

Result<u64> read_timeout(uptr user, bool* zero) {
  *zero = false;
  if (!user) return u64(0);
  LinuxTimespec ts;
  TRY(copyin(&ts, user, sizeof ts));
  if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000) return Error::Inval;
  if (ts.sec == 0 && ts.nsec == 0) {
    *zero = true;
    return u64(0);
  }
  constexpr u64 kNs = 1000000000u;
  const u64 now = hal::time_ns();
  if (u64(ts.sec) > (~u64(0) - now) / kNs - 1) return ~u64(0);
  return now + u64(ts.sec) * kNs + u64(ts.nsec);
}

Result<void> sleep_for_signal(u64 until) {
  // No poll: psignal wakes the sleep (sleep_intr_wake).
  return sleep_until(SleepOn{.until_ns = until},
                     [&] { return until && hal::time_ns() >= until; });
}

void set_temporary_mask(Lwp* l, u64 mask) {
  MutexGuard g(l->proc->p_lock());
  l->l_sigsaved = l->l_sigmask;
  l->l_sigsaved_set = true;
  __atomic_store_n(&l->l_sigmask, mask & ~kSigCantMask, __ATOMIC_RELAXED);
}

void restore_temporary_mask(Lwp* l) {
  MutexGuard g(l->proc->p_lock());
  __atomic_store_n(&l->l_sigmask, l->l_sigsaved, __ATOMIC_RELAXED);
  l->l_sigsaved_set = false;
}

// In Linux's order (kernel/signal.c rt_sigaction, do_sigaction): the set
// size, then the new action's copy-in, then the signal number (SIGKILL and
// SIGSTOP only when an action is given: their old one may be read), then
// the swap under the lock, then the old action's copy-out.
i64 linux_sys_rt_sigaction(const SyscallArgs& a) {
  const int sig = int(a.a[0]);
  const uptr act = a.a[1], oact = a.a[2];
  if (a.a[3] != kLinuxSigsetSize) return errno_of(Error::Inval);
  LinuxSigaction n{};
  if (act) {
    Result<void> c = copyin(&n, act, sizeof n);
    if (!c.ok()) return errno_of(c.error());
  }
  if (sig <= 0 || sig >= int(kNsig) || (act && (sig == kSigKill || sig == kSigStop)))
    return errno_of(Error::Inval);
  Proc* p = curproc();
  LinuxSigaction old;
  {
    MutexGuard g(p->p_lock());
    const SigAction& now = p->p_sigacts->actions[sig];
    old = {now.handler, now.flags, now.mask};
    if (act) {
      // SIGKILL and SIGSTOP cannot be blocked, not even while a handler runs.
      const SigAction set = {n.handler, n.flags, n.mask & ~kSigCantMask};
      // The shared all-default table is never written: an action other
      // than the default needs a table of the process's own.
      if (set.handler != kSigDfl || set.flags || set.mask) {
        Result<void> own = sigacts_own_locked(p->p_sigacts);
        if (!own.ok()) return errno_of(own.error());
      }
      if (p->p_sigacts != &sigacts_default) p->p_sigacts->actions[sig] = set;
      // POSIX: setting a pending signal to be ignored discards it, also
      // when blocked (Linux do_sigaction).
      const bool ignored =
          n.handler == kSigIgn || (n.handler == kSigDfl && (sig_default(sig) == SigDefault::Ignore ||
                                                            sig_default(sig) == SigDefault::Cont));
      if (ignored) proc_sigflush_locked(p, sigbit(sig));
    }
    if (act && sig == kSigChld) proc_sigchld_action_locked(p, n.handler, n.flags);
  }
  if (oact) return syscall_result(copyout(oact, &old, sizeof old));
  return 0;
}

i64 linux_sys_rt_sigprocmask(const SyscallArgs& a) {
  if (a.a[3] != kLinuxSigsetSize) return errno_of(Error::Inval);  // as Linux, first
  Lwp* l = curlwp();
  const u64 old = l->l_sigmask;
  if (a.a[1]) {
    u64 set;
    Result<void> c = copyin(&set, a.a[1], sizeof set);
    if (!c.ok()) return errno_of(c.error());
    set &= ~kSigCantMask;
    u64 mask = old;
    switch (a.a[0]) {
      case 0: mask |= set; break;   // SIG_BLOCK
      case 1: mask &= ~set; break;  // SIG_UNBLOCK
      case 2: mask = set; break;    // SIG_SETMASK
      default: return errno_of(Error::Inval);
    }
    // Under p_lock: psignal reads the mask to decide whether an ignored
    // signal is kept (blocked) or dropped.
    MutexGuard g(l->proc->p_lock());
    __atomic_store_n(&l->l_sigmask, mask, __ATOMIC_RELAXED);
    // Process-wide signals it now blocks may be for another LWP to take.
    if (mask & ~old & l->proc->p_sigpend) sig_retarget_locked(l->proc, l);
  }
  if (a.a[2]) return syscall_result(copyout(a.a[2], &old, sizeof old));
  return 0;
}

// rt_sigpending(set, size): the pending signals that are blocked (a
// pending unblocked one is delivered before the program could look).
i64 linux_sys_rt_sigpending(const SyscallArgs& a) {
  if (a.a[1] > kLinuxSigsetSize) return errno_of(Error::Inval);
  Lwp* l = curlwp();
  u64 set;
  {
    MutexGuard g(l->proc->p_lock());
    set = (l->proc->p_sigpend | l->l_sigpend) & l->l_sigmask;
  }
  return syscall_result(copyout(a.a[0], &set, a.a[1]));
}

// rt_sigsuspend(mask, size): waits with `mask` for a signal that runs a
// handler or kills; EINTR after the handler (the old mask is back then).
i64 linux_sys_rt_sigsuspend(const SyscallArgs& a) {
  if (a.a[1] != kLinuxSigsetSize) return errno_of(Error::Inval);
  u64 mask;
  Result<void> c = copyin(&mask, a.a[0], sizeof mask);
  if (!c.ok()) return errno_of(c.error());
  Lwp* l = curlwp();
  set_temporary_mask(l, mask);
  while (sleep_for_signal(0).ok()) {
  }
  return errno_of(Error::RestartNoHand);
}

// rt_sigtimedwait(set, info, timeout, size): takes a pending signal of
// `set` (normally blocked) with its info; EAGAIN at the timeout, EINTR if
// another signal comes first.
i64 linux_sys_rt_sigtimedwait(const SyscallArgs& a) {
  if (a.a[3] != kLinuxSigsetSize) return errno_of(Error::Inval);
  u64 set;
  Result<void> c = copyin(&set, a.a[0], sizeof set);
  if (!c.ok()) return errno_of(c.error());
  set &= ~kSigCantMask;
  bool zero;
  Result<u64> until = read_timeout(a.a[2], &zero);
  if (!until.ok()) return errno_of(until.error());
  Lwp* l = curlwp();
  Proc* p = l->proc;
  for (bool slept = false;; slept = true) {
    int sig = 0;
    SigInfo info;
    {
      MutexGuard g(p->p_lock());
      if (const u64 ready = (p->p_sigpend | l->l_sigpend) & set) {
        sig = lowest_set_bit(ready) + 1;
        info = sig_take_locked(p, l, sig);
      }
    }
    if (sig) {
      if (a.a[1]) {
        Result<void> o = copyout(a.a[1], &info, sizeof info);
        if (!o.ok()) return errno_of(o.error());
      }
      return sig;
    }
    if (zero || (slept && until.value() && hal::time_ns() >= until.value()))
      return errno_of(Error::Again);
    // Seen by posters (signal.cpp's lwp_wants) before this LWP looks at
    // what is pending: a signal all LWPs block still wakes its waiter.
    __atomic_store_n(&l->l_sigwaitset, set, __ATOMIC_SEQ_CST);
    const Result<void> r = sleep_for_signal(until.value());
    __atomic_store_n(&l->l_sigwaitset, u64(0), __ATOMIC_RELAXED);
    if (!r.ok()) {
      MutexGuard g(p->p_lock());
      if (!((p->p_sigpend | l->l_sigpend) & set)) return errno_of(Error::RestartNoHand);
    }
  }
}

// rt_sigqueueinfo(pid, sig, info): a signal with the sender's own info;
// only to oneself may it claim to come from kill or the kernel.
i64 linux_sys_rt_sigqueueinfo(const SyscallArgs& a) {
  SigInfo info;
  Result<void> c = copyin(&info, a.a[2], sizeof info);
  if (!c.ok()) return errno_of(c.error());
  const int sig = int(a.a[1]);
  if (sig < 0 || sig >= int(kNsig)) return errno_of(Error::Inval);
  info.si_signo = sig;
  Proc* p = curproc();
  const i32 pid = i32(a.a[0]);
  // Linux compares with the caller's thread id (task_pid_vnr).
  if ((info.si_code >= 0 || info.si_code == kSiTkill) && pid != curlwp()->l_lid)
    return errno_of(Error::Perm);
  return syscall_result(kill_proc(p, pid, info, info.si_code != kSiUser));
}

// tkill(tid, sig) and tgkill(tgid, tid, sig): to one LWP (tgkill: of
// process tgid). glibc's raise, abort and pthread_kill use tgkill.
namespace {
i64 tkill1(i32 tgid, i32 tid, int sig) {
  if (tid <= 0 || sig < 0 || sig >= int(kNsig)) return errno_of(Error::Inval);
  Proc* p = curproc();
  // A real-time signal that cannot be queued is EAGAIN (SI_TKILL is not
  // kill's SI_USER: Linux's send_signal_locked; LTP's tgkill02).
  return syscall_result(kill_lwp(p, tgid, tid, siginfo_from(p, sig, kSiTkill), true));
}
}  // namespace

// rt_tgsigqueueinfo(tgid, tid, sig, info): rt_sigqueueinfo to one thread
// (Linux's do_rt_tgsigqueueinfo): EFAULT for the info, EINVAL for a tgid or
// tid not above 0, EPERM for claiming kill's or the kernel's si_code to
// another thread, ESRCH when tid is not in tgid. The signal goes on the
// thread's own list (PTRACE_PEEKSIGINFO without PTRACE_PEEKSIGINFO_SHARED
// sees it).
i64 linux_sys_rt_tgsigqueueinfo(const SyscallArgs& a) {
  SigInfo info;
  Result<void> c = copyin(&info, a.a[3], sizeof info);
  if (!c.ok()) return errno_of(c.error());
  const i32 tgid = i32(a.a[0]), tid = i32(a.a[1]);
  const int sig = int(a.a[2]);
  info.si_signo = sig;
  if (tgid <= 0 || tid <= 0) return errno_of(Error::Inval);
  if ((info.si_code >= 0 || info.si_code == kSiTkill) && tid != curlwp()->l_lid)
    return errno_of(Error::Perm);
  return syscall_result(kill_lwp(curproc(), tgid, tid, info, info.si_code != kSiUser));
}

i64 linux_sys_tkill(const SyscallArgs& a) { return tkill1(-1, i32(a.a[0]), int(a.a[1])); }

i64 linux_sys_tgkill(const SyscallArgs& a) {
  if (i32(a.a[0]) <= 0) return errno_of(Error::Inval);
  return tkill1(i32(a.a[0]), i32(a.a[1]), int(a.a[2]));
}

// sigaltstack(ss, oss): the old stack is reported only when the call
// succeeds, as Linux.
i64 linux_sys_sigaltstack(const SyscallArgs& a) {
  Lwp* l = curlwp();
  SigStack ss, oss;
  if (a.a[0]) {
    LinuxStack u;
    Result<void> c = copyin(&u, a.a[0], sizeof u);
    if (!c.ok()) return errno_of(c.error());
    ss = {u.sp, u.flags, u.size};
  }
  const uptr sp = hal::user_frame_sp(hal::user_frame_of(l->stack));
  Result<void> r = sigaltstack1(l, sp, a.a[0] ? &ss : nullptr, &oss);
  if (!r.ok()) return errno_of(r.error());
  if (a.a[1]) {
    LinuxStack u{oss.sp, oss.flags, 0, oss.size};
    return syscall_result(copyout(a.a[1], &u, sizeof u));
  }
  return 0;
}

i64 linux_sys_rt_sigreturn(const SyscallArgs&) {
  Lwp* l = curlwp();
  l->l_sysrestart = kRestartNever;  // a0 is the restored one, not a result
  return i64(sigreturn1(l));
}

}  // namespace tine
