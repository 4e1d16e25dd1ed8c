#include "core/proc/syscall.h"
#include "core/proc/syscall_fast.h"

#include "core/lib/console.h"
#include "core/proc/cputimer_userret.h"
#include "core/proc/exit.h"
#include "core/proc/proc.h"
#include "core/proc/ptrace.h"
#include "core/sched/sched.h"
#include "hal/regset.h"
#include "hal/sigframe.h"
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
  else if (e->unknown_syscall) e->unknown_syscall(number);
  return ptrace_syscall_exit(l, r);
}
}  // namespace

i64 syscall_dispatch(u64 number, const SyscallArgs& args) {
  Lwp* l = curlwp();
  Proc* p = l->proc;
  KASSERT(p && p->p_emul);
  const Emul* e = p->p_emul;
  if (syscall_trace) {
    kprintf("[pid %d] syscall %lu(%#lx, %#lx, %#lx)\n", p->p_pid.value,
            (unsigned long)number, (unsigned long)args.a[0],
            (unsigned long)args.a[1], (unsigned long)args.a[2]);
  }
  l->l_sysrestart = kRestartNone;
  i64 r;
  if (syscall_traced_hint(p) && ptrace_syscall_traced(p))
    r = syscall_traced(number, args);
  else if (number >= e->nsyscalls || !e->syscalls[number]) {
    if (e->unknown_syscall) e->unknown_syscall(number);
    return errno_of(Error::NoSys);
  }
  else
    r = e->syscalls[number](args);
  return syscall_note_restart(l, r, args);
}

i64 syscall_note_restart(Lwp* l, i64 r, const SyscallArgs& args) {
  if (l->l_sysrestart == kRestartNever) {
    l->l_sysrestart = kRestartNone;
    return r;
  }
  if (r == errno_of(Error::Intr) || r == errno_of(Error::RestartNoHand) ||
      r == errno_of(Error::RestartBlock)) {
    l->l_sysrestart = r == errno_of(Error::Intr)           ? kRestartSys
                      : r == errno_of(Error::RestartNoHand) ? kRestartNoHand
                                                            : kRestartBlock;
    l->l_sysrestart_a0 = args.a[0];
    return errno_of(Error::Intr);
  }
  return r;
}

void syscall_set_restart_block(i64 (*fn)(u64, u64), u64 a, u64 b) {
  Lwp* l = curlwp();
  l->l_restart_fn = fn;
  l->l_restart_args[0] = a;
  l->l_restart_args[1] = b;
}

i64 syscall_run_restart_block() {
  Lwp* l = curlwp();
  i64 (*fn)(u64, u64) = l->l_restart_fn;
  l->l_restart_fn = nullptr;
  if (!fn) return errno_of(Error::Intr);
  return fn(l->l_restart_args[0], l->l_restart_args[1]);
}

void syscall_restart_for_handler(Lwp* l, hal::UserFrame* f, bool sa_restart) {
  // a0 already holds -EINTR (syscall_dispatch). A handler's frame ends any
  // restart block (Linux resets restart_block.fn in setup_rt_frame).
  if (l->l_sysrestart == kRestartSys && sa_restart)
    hal::user_frame_restart_syscall(f, l->l_sysrestart_a0);
  l->l_sysrestart = kRestartNone;
  l->l_restart_fn = nullptr;
}

void syscall_restart_no_handler(Lwp* l, hal::UserFrame* f) {
  if (l->l_sysrestart == kRestartSys || l->l_sysrestart == kRestartNoHand)
    hal::user_frame_restart_syscall(f, l->l_sysrestart_a0);
  if (l->l_sysrestart == kRestartBlock)
    hal::user_frame_restart_as(f, curproc()->p_emul->restart_syscall_nr);
  l->l_sysrestart = kRestartNone;
}

void userret() { userret(curlwp()); }

void userret(Lwp* l) {
  if (!l->proc) return;
  // Cleared before anything is looked at: a post after this sets it again
  // (lwp.h). A resched bit is done with too: sched_trap_exit follows.
  __atomic_exchange_n(&l->l_work, 0, __ATOMIC_ACQUIRE);
  cputimer_userret_fast(l);  // may post SIGVTALRM/SIGPROF, acted on just below
  if (userret_idle(l)) return;
  userret_work(l);
  // Still not idle (a blocked signal pending, a stop, a tracer): the fast
  // syscall path goes this way again next time, as it looked before.
  if (!userret_idle(l)) lwp_work_post(l, kWorkSignal);
}

void userret_work(Lwp* l) {
  userret_signals(l);
  ptrace_userret(l);  // PTRACE_INTERRUPT
}

}  // namespace tine
