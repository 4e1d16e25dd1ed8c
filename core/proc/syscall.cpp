#include "core/proc/syscall.h"

#include "core/lib/console.h"
#include "core/proc/exit.h"
#include "core/proc/proc.h"
#include "core/proc/ptrace.h"
#include "core/sched/sched.h"
#include "hal/regset.h"
#include "hal/user.h"

namespace tine {

bool syscall_trace = false;

namespace {
// PTRACE_SYSCALL: stops at entry (the tracer may change the number and
// arguments in the frame) and at exit (it may change the result).
i64 syscall_traced(u64 number, const SyscallArgs& args) {
  Lwp* l = curlwp();
  const Emul* e = l->proc->p_emul;
  ptrace_syscall_entry(l);
  SyscallArgs now = args;
  number = hal::user_frame_syscall(hal::user_frame_of(l->stack), now.a);
  i64 r = errno_of(Error::NoSys);
  if (number < e->nsyscalls && e->syscalls[number]) r = e->syscalls[number](now);
  return ptrace_syscall_exit(l, r);
}
}  // namespace

i64 syscall_dispatch(u64 number, const SyscallArgs& args) {
  Proc* p = curproc();
  KASSERT(p && p->p_emul);
  const Emul* e = p->p_emul;
  if (syscall_trace) {
    kprintf("[pid %d] syscall %lu(%#lx, %#lx, %#lx)\n", p->p_pid.value,
            (unsigned long)number, (unsigned long)args.a[0],
            (unsigned long)args.a[1], (unsigned long)args.a[2]);
  }
  if (ptrace_syscall_traced(p)) return syscall_traced(number, args);
  if (number >= e->nsyscalls || !e->syscalls[number]) return errno_of(Error::NoSys);
  return e->syscalls[number](args);
}

void user_fault_signal(int sig) {
  Proc* p = curproc();
  // A fault signal cannot be blocked or ignored into a loop: the program
  // would fault again at once. As Linux's force_sig, take the default.
  {
    MutexGuard g(p->p_lock());
    p->p_sigacts->actions[sig].handler = kSigDfl;
    curlwp()->l_sigmask &= ~(u64(1) << (sig - 1));
  }
  psignal(p, sig);
}

void userret() {
  Lwp* l = curlwp();
  if (!l->proc) return;
  userret_signals(l);
  ptrace_userret(l);  // PTRACE_INTERRUPT
}

}  // namespace tine
