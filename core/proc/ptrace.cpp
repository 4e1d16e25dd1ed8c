// ptrace's requests: attach and detach, resume, options, memory. The stops
// themselves are in ptrace_stop.cpp; the Linux shim that decodes the
// system call is core/compat/linux/ptrace.cpp. See ptrace.h for the model.
#include "core/proc/ptrace.h"

#include "core/proc/exit.h"
#include "core/proc/ptrace_internal.h"
#include "core/proc/signal.h"
#include "core/vm/vm.h"
#include "core/vm/vm_io.h"
#include "hal/regset.h"
#include "hal/user.h"

namespace tine {

namespace {
// t is traced from now on, or has a PTRACE_INTERRUPT to take: each of its
// LWPs returns to user mode the full way once (userret_work), which its
// fast syscall path would not do for a tracer alone.
void trace_work_post_locked(Proc* t) REQUIRES(proc_lock) {
  MutexGuard g(t->p_lock());
  for (Lwp* l : t->p_lwps) lwp_work_post(l, kWorkSignal);
}
}  // namespace

void trace_reparent_locked(Proc* p, Proc* new_parent) {
  Proc* old = p->p_pptr;
  if (old == new_parent) return;
  const bool counted_stop = p->p_stat == ProcStat::SSTOP && !p->p_waited;
  if (old) {
    old->p_children.remove(p);
    if (counted_stop) old->p_nstopchild--;
  }
  p->p_pptr = new_parent;
  __atomic_store_n(&p->p_ppid, new_parent->p_pid.value, __ATOMIC_RELAXED);
  new_parent->p_children.push_back(p);
  if (counted_stop) new_parent->p_nstopchild++;
}

void trace_post_signal(Proc* p, int sig) {
  // psignal: queued with the rest, and a sleeping p is woken to take it.
  // p is traced already, so even an ignored signal stays (sig_discarded).
  // On the thread's own list, as Linux's send_sig_info (PIDTYPE_PID).
  (void)psignal_info(p, siginfo_kernel(sig), false, p->p_lwp);
  // SIGKILL (PTRACE_KILL, PTRACE_O_EXITKILL) also ends a job-control stop
  // the tracee is in (one the tracer let happen, PTRACE_CONT with
  // SIGSTOP), as Linux's signal_wake_up for SIGKILL; a ptrace stop ends
  // through proc_waitcv (ptrace_stop.cpp).
  if (sig == kSigKill) sig_post_jobctl_locked(p, sig);
}

u32 trace_psl_of(u32 options) {
  u32 f = 0;
  if (options & kPtraceOFork) f |= PSL_TRACEFORK;
  if (options & kPtraceOVfork) f |= PSL_TRACEVFORK;
  if (options & kPtraceOClone) f |= PSL_TRACECLONE;
  if (options & kPtraceOVforkDone) f |= PSL_TRACEVFORK_DONE;
  return f;
}

void trace_set_options_locked(Proc* t, u32 options) {
  t->p_ptrace.options = options;
  t->p_slflag = (t->p_slflag & ~kPslTraceEvents) | trace_psl_of(options);
}

void trace_resume_locked(Proc* t, int sig, bool syscall) {
  t->p_ptrace.resume_sig = sig;
  t->p_ptrace.syscall = syscall;
  if (!t->p_ptrace.stopped) return;
  t->p_ptrace.stopped = false;
  t->p_ptrace.stop_lwp = nullptr;
  t->p_ptrace.stop_si_code = 0;  // Linux clears last_siginfo
  if (t->p_stat == ProcStat::SSTOP) {
    t->p_stat = ProcStat::SACTIVE;
    if (!t->p_waited && t->p_pptr) t->p_pptr->p_nstopchild--;
  }
  t->p_waited = false;
  proc_waitcv.broadcast();
}

void trace_detach_locked(Proc* t, Proc* tracer, int sig) {
  t->p_slflag &= ~(PSL_TRACED | PSL_TRACEDCHILD | kPslTraceEvents);
  t->p_ptrace.options = 0;
  t->p_ptrace.seized = false;
  t->p_ptrace.interrupt = false;
  trace_resume_locked(t, sig, false);
  Proc* real = t->p_opptr;
  t->p_opptr = nullptr;
  if (!real || real == tracer) return;
  real->p_ptrace.traced_away--;
  trace_reparent_locked(t, real);
  // A zombie goes back to a parent that has not heard of its exit yet.
  if (t->p_stat == ProcStat::SZOMB) {
    if (t->p_exitsig) (void)psignal_info(real, siginfo_child_exit(t, t->p_exitsig), false);
    proc_waitcv.broadcast();
  }
}

Result<void> proc_trace_attach(Proc* tracer, Proc* target) {
  MutexGuard g(proc_lock);
  // The order of NetBSD's ptrace_allowed() for PT_ATTACH.
  if (tracer == target) return Error::Inval;
  if (target == initproc) return Error::Perm;
  {
    MutexGuard tg(target->p_lock());
    if (target->p_flag & PK_SYSTEM) return Error::Perm;
  }
  if (target->p_slflag & PSL_TRACED) return Error::Busy;
  if (target->p_stat != ProcStat::SACTIVE && target->p_stat != ProcStat::SSTOP)
    return Error::Srch;  // exiting or a zombie
  target->p_slflag |= PSL_TRACED;
  trace_work_post_locked(target);
  target->p_opptr = target->p_pptr;
  if (target->p_opptr && target->p_opptr != tracer) target->p_opptr->p_ptrace.traced_away++;
  trace_reparent_locked(target, tracer);
  return ok();
}

Result<void> proc_trace_set_events(Proc* tracer, Proc* target, u32 events) {
  MutexGuard g(proc_lock);
  if (!(target->p_slflag & PSL_TRACED) || target->p_pptr != tracer) return Error::Perm;
  target->p_slflag &= ~(PSL_TRACEFORK | PSL_TRACEVFORK);
  if (events & PTRACE_FORK) target->p_slflag |= PSL_TRACEFORK;
  if (events & PTRACE_VFORK) target->p_slflag |= PSL_TRACEVFORK;
  return ok();
}

Result<void> ptrace_traceme(Proc* p) {
  MutexGuard g(proc_lock);
  // As Linux: EPERM when already traced. The parent may trace its child
  // whatever its credentials: it made it.
  if ((p->p_slflag & PSL_TRACED) || !p->p_pptr) return Error::Perm;
  p->p_slflag |= PSL_TRACED;
  p->p_opptr = p->p_pptr;
  p->p_ptrace = PtraceState{.traced_away = p->p_ptrace.traced_away};
  return ok();
}

Result<void> ptrace_attach(Proc* tracer, i32 pid, bool seize, u32 options) {
  if (seize && (options & ~kPtraceOptionsKnown)) return Error::Io;
  MutexGuard g(proc_lock);
  Proc* t = pid > 0 ? proc_find_locked(Pid{pid}) : nullptr;
  if (!t || t->p_stat == ProcStat::SZOMB || t->p_stat == ProcStat::SDEAD ||
      t->p_stat == ProcStat::SIDL || t->p_stat == ProcStat::SDYING)
    return Error::Srch;
  // As Linux's ptrace_attach: not oneself, not one already traced; init
  // and system processes never (the seed's rule; Linux lets root trace
  // init). kauth: the same uid, or root (KAUTH_PROCESS_PTRACE).
  if (t == tracer || t == initproc || (t->p_slflag & PSL_TRACED)) return Error::Perm;
  {
    MutexGuard tg(t->p_lock());
    if (t->p_flag & PK_SYSTEM) return Error::Perm;
    if (!kauth_authorize(proc_own_cred(tracer), KauthAction::ProcessPtrace, t->p_cred))
      return Error::Perm;
  }
  t->p_slflag |= PSL_TRACED;
  trace_work_post_locked(t);
  t->p_opptr = t->p_pptr;
  if (t->p_opptr && t->p_opptr != tracer) t->p_opptr->p_ptrace.traced_away++;
  trace_reparent_locked(t, tracer);
  t->p_ptrace = PtraceState{.seized = seize, .traced_away = t->p_ptrace.traced_away};
  trace_set_options_locked(t, seize ? options : 0);
  // PTRACE_ATTACH stops the tracee with a SIGSTOP, which the tracer then
  // sees as a signal-delivery-stop (ptrace(2), "Attaching and detaching").
  if (!seize) trace_post_signal(t, kSigStop);
  return ok();
}

Result<Proc*> ptrace_tracee_locked(Proc* tracer, i32 pid, bool any_state) {
  Proc* t = pid > 0 ? proc_find_locked(Pid{pid}) : nullptr;
  if (!t || !(t->p_slflag & PSL_TRACED) || t->p_pptr != tracer) return Error::Srch;
  if (t->p_stat == ProcStat::SZOMB || t->p_stat == ProcStat::SDEAD) return Error::Srch;
  // Stopped: in a ptrace stop, or in a job-control stop (which Linux also
  // lets the tracer work on), or started stopped by fork1 (PS_STOPFORK).
  if (!any_state && !t->p_ptrace.stopped && t->p_stat != ProcStat::SSTOP) return Error::Srch;
  return t;
}

namespace {
bool valid_signal(int sig) { return sig >= 0 && sig < int(kNsig); }
}  // namespace

Result<void> ptrace_resume(Proc* tracer, i32 pid, int sig, bool syscall) {
  if (!valid_signal(sig)) return Error::Io;
  MutexGuard g(proc_lock);
  Proc* t = TRY(ptrace_tracee_locked(tracer, pid, false));
  // Not a ptrace stop: the tracer resumes it as SIGCONT would (issue 8:
  // a PS_STOPFORK child is resumed by SIGCONT or by a tracer).
  if (!t->p_ptrace.stopped) {
    t->p_ptrace.resume_sig = 0;
    t->p_ptrace.syscall = syscall;
    (void)proc_continue_locked(t);
    if (sig) trace_post_signal(t, sig);
    return ok();
  }
  trace_resume_locked(t, sig, syscall);
  return ok();
}

Result<void> ptrace_detach(Proc* tracer, i32 pid, int sig) {
  if (!valid_signal(sig)) return Error::Io;
  MutexGuard g(proc_lock);
  Proc* t = TRY(ptrace_tracee_locked(tracer, pid, false));
  trace_detach_locked(t, tracer, sig);
  return ok();
}

Result<void> ptrace_kill(Proc* tracer, i32 pid) {
  MutexGuard g(proc_lock);
  Proc* t = TRY(ptrace_tracee_locked(tracer, pid, true));
  trace_post_signal(t, kSigKill);
  proc_waitcv.broadcast();  // a stopped tracee wakes to die (ptrace_stop.cpp)
  return ok();
}

Result<void> ptrace_interrupt(Proc* tracer, i32 pid) {
  MutexGuard g(proc_lock);
  Proc* t = TRY(ptrace_tracee_locked(tracer, pid, true));
  if (!t->p_ptrace.seized) return Error::Io;
  // Already in a ptrace stop: nothing to do (Linux reports nothing new).
  if (!t->p_ptrace.stopped) {
    t->p_ptrace.interrupt = true;
    trace_work_post_locked(t);
  }
  return ok();
}

Result<void> ptrace_setoptions(Proc* tracer, i32 pid, u32 options) {
  MutexGuard g(proc_lock);
  Proc* t = TRY(ptrace_tracee_locked(tracer, pid, false));
  if (options & ~kPtraceOptionsKnown) return Error::Inval;
  trace_set_options_locked(t, options);
  return ok();
}

Result<u64> ptrace_geteventmsg(Proc* tracer, i32 pid) {
  MutexGuard g(proc_lock);
  Proc* t = TRY(ptrace_tracee_locked(tracer, pid, false));
  return t->p_ptrace.eventmsg;
}

Result<void> ptrace_io(Proc* tracer, i32 pid, uptr va, void* buf, size_t n, bool write) {
  VmSpace* vs;
  {
    MutexGuard g(proc_lock);
    Proc* t = TRY(ptrace_tracee_locked(tracer, pid, false));
    vs = t->p_vmspace;
    if (!vs) return Error::Io;
    // Our own reference: a SIGKILL may end the stop and the process.
    vmspace_hold(vs);
  }
  const Result<void> r = vm_io(vs, va, buf, n, write);
  vmspace_release(vs);
  // As Linux: PEEK and POKE of an address the tracee has not mapped is EIO.
  if (!r.ok()) return r.error() == Error::NoMem ? Error::NoMem : Error::Io;
  return ok();
}

Result<PtraceSyscallInfo> ptrace_syscall_info(Proc* tracer, i32 pid) {
  MutexGuard g(proc_lock);
  Proc* t = TRY(ptrace_tracee_locked(tracer, pid, false));
  Lwp* tl = ptrace_regs_lwp_locked(t);
  if (!tl) return Error::Srch;
  const hal::UserFrame* f = hal::user_frame_of(tl->stack);
  PtraceSyscallInfo info;
  info.pc = hal::user_frame_pc(f);
  info.sp = hal::user_frame_sp(f);
  // Linux looks at the stop's si_code, then at the message: a syscall stop
  // without PTRACE_O_TRACESYSGOOD (si_code plain SIGTRAP) says None.
  if (t->p_ptrace.stop_si_code != (kSigTrap | 0x80)) return info;
  if (t->p_ptrace.eventmsg == kEventMsgSyscallEntry) {
    info.op = PtraceSyscallOp::Entry;
    info.nr = hal::user_frame_syscall(f, info.args);
  } else if (t->p_ptrace.eventmsg == kEventMsgSyscallExit) {
    info.op = PtraceSyscallOp::Exit;
    info.rval = hal::user_frame_return(f);
    // Linux's IS_ERR_VALUE: the last 4095 values are errors.
    info.is_error = u64(info.rval) >= u64(-4095);
  }
  return info;
}

Result<bool> ptrace_peek_siginfo(Proc* tracer, i32 pid, bool shared, u64 index, SigInfo* out) {
  MutexGuard g(proc_lock);
  Proc* t = TRY(ptrace_tracee_locked(tracer, pid, false));
  MutexGuard tg(t->p_lock());
  const SigInfo* e = sigqueue_peek(t->p_sigqueue, shared ? nullptr : t->p_lwp, index);
  if (!e) return false;
  *out = *e;
  return true;
}

}  // namespace tine
