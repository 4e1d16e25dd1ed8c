// Linux signal syscalls: actions and the mask. Handlers are recorded,
// not yet delivered (core/proc/signal.cpp).
#include "core/compat/linux/linux.h"

#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"

namespace tine {

// Signal actions are recorded (shared or copied across fork); handlers are
// not delivered yet (core/proc/signal.cpp).
struct LinuxSigaction {
  u64 handler, flags, restorer, mask;
};

i64 linux_sys_rt_sigaction(const SyscallArgs& a) {
  const int sig = int(a.a[0]);
  if (sig <= 0 || sig >= int(kNsig) || sig == kSigKill || sig == kSigStop)
    return errno_of(Error::Inval);
  Proc* p = curproc();
  LinuxSigaction old{};
  {
    MutexGuard g(p->p_lock());
    const SigAction& cur = p->p_sigacts->actions[sig];
    old = {cur.handler, cur.flags, 0, cur.mask};
  }
  if (a.a[1]) {
    LinuxSigaction n;
    Result<void> c = copyin(&n, a.a[1], sizeof n);
    if (!c.ok()) return errno_of(c.error());
    MutexGuard g(p->p_lock());
    p->p_sigacts->actions[sig] = {n.handler, n.flags, n.mask};
  }
  if (a.a[2]) return syscall_result(copyout(a.a[2], &old, sizeof old));
  return 0;
}

i64 linux_sys_rt_sigprocmask(const SyscallArgs& a) {
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
