// The tracee's side of ptrace: the stops, each taken by the tracee's own
// thread (Linux's ptrace_stop, NetBSD's eventswitch/proc_stop for a traced
// process), and what exit does to tracers and tracees. See ptrace.h.
#include "core/proc/exit.h"
#include "core/proc/signal.h"
#include "core/proc/ptrace_internal.h"
#include "hal/regset.h"
#include "hal/user.h"

namespace tine {

namespace {
constexpr int kStopCode(PtraceEvent ev) { return kSigTrap | (int(ev) << 8); }

// p_sigpend and l_sigpend are set with atomics under p_lock; here only
// looked at. A SIGKILL on l's own list comes from exit_group or exec in
// another LWP (proc_single_thread).
bool sigkill_pending(const Lwp* l) NO_THREAD_SAFETY_ANALYSIS {
  return (__atomic_load_n(&l->proc->p_sigpend, __ATOMIC_ACQUIRE) |
          __atomic_load_n(&l->l_sigpend, __ATOMIC_ACQUIRE)) &
         (u64(1) << (kSigKill - 1));
}

u32 slflag_load(const Proc* p) NO_THREAD_SAFETY_ANALYSIS {
  return __atomic_load_n(&p->p_slflag, __ATOMIC_RELAXED);
}

// The stop itself: the tracer's wait4 sees p_stat SSTOP with `code`; we
// sleep until the tracer resumes us (trace_resume_locked) or SIGKILL comes
// (kill1 and PTRACE_KILL wake proc_waitcv). Returns the signal the tracer
// passed (0: none). Not interruptible by anything else: a ptrace stop is
// Linux's TASK_TRACED.
// `si_code`: what PTRACE_GET_SYSCALL_INFO will see (PtraceState).
int ptrace_stop_locked(Lwp* l, int code, i32 si_code, bool set_msg, u64 msg)
    REQUIRES(proc_lock) {
  Proc* p = l->proc;
  // One ptrace stop per process at a time: the tracer's view (registers,
  // the stop's code) is the process's (ptrace.h). Another LWP of a
  // threaded tracee waits here until that stop ends.
  while (p->p_ptrace.stopped && (p->p_slflag & PSL_TRACED) && !sigkill_pending(l))
    proc_waitcv.wait(proc_lock);
  if (!(p->p_slflag & PSL_TRACED) || sigkill_pending(l)) return 0;
  {
    // The tracer may read and write the FP registers while we sleep: our
    // saved copy must be current (hal/user.h's contract: only our own).
    hal::IrqState s = hal::irq_save();
    hal::fp_save_if_dirty(l->fp);
    hal::irq_restore(s);
  }
  if (set_msg) p->p_ptrace.eventmsg = msg;
  p->p_ptrace.stopped = true;
  p->p_ptrace.stop_lwp = l;
  p->p_ptrace.resume_sig = 0;
  p->p_ptrace.stop_si_code = si_code;
  p->p_stat = ProcStat::SSTOP;
  p->p_xsig = code;
  p->p_waited = false;
  Proc* tracer = p->p_pptr;
  if (tracer) {
    tracer->p_nstopchild++;
    psignal_child(tracer, p, kSigChld, kCldTrapped, code & 0x7f);  // as Linux tells the tracer
  }
  proc_waitcv.broadcast();
  while (p->p_ptrace.stopped && !sigkill_pending(l)) proc_waitcv.wait(proc_lock);
  if (p->p_ptrace.stopped) {
    // SIGKILL: the stop ends without the tracer; the kill acts at userret.
    trace_resume_locked(p, 0, false);
    return 0;
  }
  {
    // SETREGSET may have changed the saved FP registers: load them (the
    // live ones may never have left this hart while we slept).
    hal::IrqState s = hal::irq_save();
    hal::fp_restore(l->fp);
    hal::irq_restore(s);
  }
  return p->p_ptrace.resume_sig;
}
}  // namespace

bool ptrace_traced(const Proc* p) { return slflag_load(p) & PSL_TRACED; }

int ptrace_signal_stop(Lwp* l, int sig, i32 si_code) {
  if (sig == kSigKill) return sig;
  MutexGuard g(proc_lock);
  if (!(l->proc->p_slflag & PSL_TRACED)) return sig;
  return ptrace_stop_locked(l, sig, si_code, false, 0);
}

void ptrace_userret(Lwp* l) {
  Proc* p = l->proc;
  if (!ptrace_traced(p)) return;
  MutexGuard g(proc_lock);
  if (!p->p_ptrace.interrupt) return;
  p->p_ptrace.interrupt = false;
  // A signal passed when resuming from PTRACE_EVENT_STOP is ignored (man
  // ptrace: only signal-delivery-stops inject one).
  (void)ptrace_stop_locked(l, kStopCode(PtraceEvent::Stop), kStopCode(PtraceEvent::Stop), false,
                           0);
}

PtraceEvent ptrace_fork_kind(bool ppwait, int exitsig) {
  // Linux's kernel_clone: CLONE_VFORK is a vfork, an exit signal other than
  // SIGCHLD a clone, anything else a fork.
  if (ppwait) return PtraceEvent::Vfork;
  return exitsig == kSigChld ? PtraceEvent::Fork : PtraceEvent::Clone;
}

bool ptrace_follows_locked(const Proc* p1, PtraceEvent ev) {
  if (!(p1->p_slflag & PSL_TRACED)) return false;
  switch (ev) {
    case PtraceEvent::Fork: return p1->p_slflag & PSL_TRACEFORK;
    case PtraceEvent::Vfork: return p1->p_slflag & PSL_TRACEVFORK;
    case PtraceEvent::Clone: return p1->p_slflag & PSL_TRACECLONE;
    default: return false;
  }
}

void ptrace_fork_child_locked(Proc* p1, Proc* p2) {
  // Linux: an auto-attached child is traced with its parent's options.
  p2->p_slflag |= p1->p_slflag & kPslTraceEvents;
  p2->p_ptrace.options = p1->p_ptrace.options;
  p2->p_ptrace.seized = p1->p_ptrace.seized;
  if (p2->p_opptr && p2->p_opptr != p2->p_pptr) p2->p_opptr->p_ptrace.traced_away++;
  // It stops before its first instruction: with SIGSTOP (reported as a
  // signal-delivery-stop), or PTRACE_EVENT_STOP for a SEIZE tracer.
  if (p2->p_ptrace.seized)
    p2->p_ptrace.interrupt = true;
  else
    trace_post_signal(p2, kSigStop);
}

void ptrace_fork_event(Lwp* l1, PtraceEvent ev, i32 child_pid) {
  MutexGuard g(proc_lock);
  if (!ptrace_follows_locked(l1->proc, ev)) return;
  (void)ptrace_stop_locked(l1, kStopCode(ev), kStopCode(ev), true, u64(child_pid));
}

void ptrace_vfork_done(Lwp* l1, i32 child_pid) {
  Proc* p1 = l1->proc;
  if (!ptrace_traced(p1)) return;  // as ptrace_exec_event: every vfork comes here
  MutexGuard g(proc_lock);
  if ((p1->p_slflag & (PSL_TRACED | PSL_TRACEVFORK_DONE)) != (PSL_TRACED | PSL_TRACEVFORK_DONE))
    return;
  const int code = kStopCode(PtraceEvent::VforkDone);
  (void)ptrace_stop_locked(l1, code, code, true, u64(child_pid));
}

void ptrace_exec_event(Lwp* l) {
  Proc* p = l->proc;
  if (!ptrace_traced(p)) return;
  MutexGuard g(proc_lock);
  if (!(p->p_slflag & PSL_TRACED)) return;
  if (p->p_ptrace.options & kPtraceOExec) {
    // The message is the former thread id: the same, one LWP per process.
    const int code = kStopCode(PtraceEvent::Exec);
    (void)ptrace_stop_locked(l, code, code, true, u64(p->p_pid.value));
  } else {
    trace_post_signal(p, kSigTrap);  // man ptrace: "the tracee gets SIGTRAP"
  }
}

void ptrace_exit_event(Lwp* l, int status, int sig) {
  Proc* p = l->proc;
  if (sig == kSigKill || !ptrace_traced(p)) return;
  MutexGuard g(proc_lock);
  if ((p->p_slflag & PSL_TRACED) && (p->p_ptrace.options & kPtraceOExit))
    (void)ptrace_stop_locked(l, kStopCode(PtraceEvent::Exit), kStopCode(PtraceEvent::Exit), true,
                             u64(w_exitcode(status, sig)));
}

bool ptrace_syscall_traced(const Proc* p) NO_THREAD_SAFETY_ANALYSIS {
  return ptrace_traced(p) && __atomic_load_n(&p->p_ptrace.syscall, __ATOMIC_RELAXED);
}

namespace {
int syscall_stop_code(const Proc* p) REQUIRES(proc_lock) {
  return kSigTrap | ((p->p_ptrace.options & kPtraceOSysGood) ? 0x80 : 0);
}
}  // namespace

void ptrace_syscall_entry(Lwp* l) {
  Proc* p = l->proc;
  MutexGuard g(proc_lock);
  // As Linux's ptrace_report_syscall_entry: the message says which stop.
  if ((p->p_slflag & PSL_TRACED) && p->p_ptrace.syscall) {
    const int code = syscall_stop_code(p);
    (void)ptrace_stop_locked(l, code, code, true, kEventMsgSyscallEntry);
  }
}

i64 ptrace_syscall_exit(Lwp* l, i64 r) {
  Proc* p = l->proc;
  MutexGuard g(proc_lock);
  if (!(p->p_slflag & PSL_TRACED) || !p->p_ptrace.syscall) return r;
  // The tracer sees the result in a0 and may change it.
  hal::UserFrame* f = hal::user_frame_of(l->stack);
  hal::user_frame_set_return(f, r);
  const int code = syscall_stop_code(p);
  (void)ptrace_stop_locked(l, code, code, true, kEventMsgSyscallExit);
  return hal::user_frame_return(f);
}

void ptrace_exit_locked(Proc* p) {
  // p as a tracer: its tracees are detached, and resumed (Linux's
  // exit_ptrace), or killed under PTRACE_O_EXITKILL. Detaching moves a
  // tracee to its real parent, so the walk starts over each time.
  for (bool again = true; again;) {
    again = false;
    for (Proc* c : p->p_children) {
      if (!(c->p_slflag & PSL_TRACED)) continue;
      if (c->p_ptrace.options & kPtraceOExitKill) {
        trace_post_signal(c, kSigKill);
        proc_waitcv.broadcast();
      }
      trace_detach_locked(c, p, 0);
      again = true;
      break;
    }
  }
  // p as a real parent: its children that a tracer holds will go to init
  // when the tracer lets them go.
  if (p->p_ptrace.traced_away && initproc && p != initproc) {
    for (Proc* c : allproc) {
      if (c->p_opptr != p) continue;
      c->p_opptr = initproc;
      initproc->p_ptrace.traced_away++;
      p->p_ptrace.traced_away--;
    }
  }
}

i32 ptrace_real_ppid(Proc* p) {
  MutexGuard g(proc_lock);
  Proc* real = (p->p_slflag & PSL_TRACED) && p->p_opptr ? p->p_opptr : p->p_pptr;
  return real ? real->p_pid.value : 0;
}

bool ptrace_handback_locked(Proc* waiter, Proc* c) {
  if (!(c->p_slflag & PSL_TRACED)) return false;
  Proc* real = c->p_opptr;
  if (!real || real == waiter) {
    c->p_slflag &= ~(PSL_TRACED | PSL_TRACEDCHILD | kPslTraceEvents);
    c->p_opptr = nullptr;
    return false;
  }
  // NetBSD's proc_reap for a process got by ptrace: the tracer has seen
  // the exit; the real parent gets its exit signal and reaps it.
  trace_detach_locked(c, waiter, 0);
  return true;
}

bool ptrace_traced_away_locked(const Proc* waiter, i32 pid) {
  if (!waiter->p_ptrace.traced_away) return false;
  for (Proc* c : allproc)
    if (c->p_opptr == waiter && c->p_pptr != waiter && (pid <= 0 || c->p_pid.value == pid))
      return true;
  return false;
}

}  // namespace tine
