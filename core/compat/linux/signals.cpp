// Linux signal syscalls: actions and the mask. Handlers are recorded,
// not yet delivered (core/proc/signal.cpp).
#include "core/compat/linux/linux.h"

#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"

namespace tine {

// Signal actions are recorded (shared or copied across fork); handlers are
// not delivered yet (core/proc/signal.cpp).
//
// The kernel's struct sigaction on riscv64 (asm-generic/signal.h without
// SA_RESTORER): handler, flags, mask; 24 bytes, no restorer field.
struct LinuxSigaction {
  u64 handler, flags, mask;
};
static_assert(sizeof(LinuxSigaction) == 24);
constexpr u64 kLinuxSigsetSize = sizeof(u64);  // _NSIG / 8

constexpr u64 sigbit(int sig) { return u64(1) << (sig - 1); }

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
    SigAction& cur = p->p_sigacts->actions[sig];
    old = {cur.handler, cur.flags, cur.mask};
    // SIGKILL and SIGSTOP cannot be blocked, not even while a handler runs.
    if (act) cur = {n.handler, n.flags, n.mask & ~(sigbit(kSigKill) | sigbit(kSigStop))};
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
    set &= ~((u64(1) << (kSigKill - 1)) | (u64(1) << (kSigStop - 1)));
    switch (a.a[0]) {
      case 0: l->l_sigmask |= set; break;   // SIG_BLOCK
      case 1: l->l_sigmask &= ~set; break;  // SIG_UNBLOCK
      case 2: l->l_sigmask = set; break;    // SIG_SETMASK
      default: return errno_of(Error::Inval);
    }
  }
  if (a.a[2]) return syscall_result(copyout(a.a[2], &old, sizeof old));
  return 0;
}

}  // namespace tine
