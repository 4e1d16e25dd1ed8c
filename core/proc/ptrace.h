// ptrace: the seed's in-kernel half (NetBSD sys_process.c and
// kern/sys_ptrace_common.c: attach, the event mask fork1 reads) and the
// semantics under Linux's ptrace(2), whose shim is
// core/compat/linux/ptrace.cpp. Request, option and event numbers are
// Linux's: it is the user ABI.
//
// The model, as NetBSD: a traced process has PSL_TRACED and is the
// tracer's child (p_pptr); its real parent is kept in p_opptr and gets it
// back on detach, or as a zombie once the tracer has reaped it. A tracee
// stops in its own thread (ptrace_stop.cpp), with the stop contract of
// issue 8: p_stat SSTOP, p_xsig the stop code (a signal, or SIGTRAP |
// event << 8), p_waited false until a wait4 reported it. Only the tracer
// (or SIGKILL) ends a ptrace stop; SIGCONT does not.
//
// Locking: proc_lock guards p_slflag, p_opptr and p_ptrace.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/proc/proc.h"

namespace tine {

// PT_SET_EVENT_MASK bits, as NetBSD's sys/ptrace.h.
inline constexpr u32 PTRACE_FORK = 0x0001;
inline constexpr u32 PTRACE_VFORK = 0x0002;

// Linux's PTRACE_O_* (include/uapi/linux/ptrace.h).
inline constexpr u32 kPtraceOSysGood = 0x01;
inline constexpr u32 kPtraceOFork = 0x02;
inline constexpr u32 kPtraceOVfork = 0x04;
inline constexpr u32 kPtraceOClone = 0x08;
inline constexpr u32 kPtraceOExec = 0x10;
inline constexpr u32 kPtraceOVforkDone = 0x20;
inline constexpr u32 kPtraceOExit = 0x40;
inline constexpr u32 kPtraceOExitKill = 0x100000;
// 0x80 is PTRACE_O_TRACESECCOMP: accepted (Linux accepts it without
// seccomp), never reported, as there is no seccomp.
inline constexpr u32 kPtraceOptionsKnown = 0xff | kPtraceOExitKill;
// Linux's PTRACE_EVENTMSG_SYSCALL_*: the event message at a syscall stop.
inline constexpr u64 kEventMsgSyscallEntry = 1;
inline constexpr u64 kEventMsgSyscallExit = 2;
// Linux's PTRACE_EVENT_*: a stop's code is SIGTRAP | event << 8.
enum class PtraceEvent : int { Fork = 1, Vfork = 2, Clone = 3, Exec = 4, VforkDone = 5, Exit = 6,
                               Stop = 128 };

// PT_ATTACH: `tracer` traces `target`, which becomes its child (the real
// parent is kept in p_opptr). EINVAL for oneself, EPERM for a system
// process or init, EBUSY when already traced.
Result<void> proc_trace_attach(Proc* tracer, Proc* target);

// PT_SET_EVENT_MASK: which of target's forks the tracer follows (fork1
// gives such a child to the tracer, PSL_TRACEDCHILD). EPERM
// unless `tracer` traces `target`.
Result<void> proc_trace_set_events(Proc* tracer, Proc* target, u32 events);

// --- The requests (ptrace.cpp), as Linux's ptrace(2) describes them. ---

// PTRACE_TRACEME: p's parent traces it. EPERM when already traced, or
// without a parent other than init's kernel side.
Result<void> ptrace_traceme(Proc* p);
// PTRACE_ATTACH (a SIGSTOP follows) and PTRACE_SEIZE (no stop; options
// set at once). kauth: the same uid or root (EPERM), never init or a system
// process (EPERM), not oneself or a process already traced (EPERM), ESRCH
// for no such process. EIO for unknown options (SEIZE).
Result<void> ptrace_attach(Proc* tracer, i32 pid, bool seize, u32 options);
// The tracee `pid` of `tracer`, in a ptrace stop (Linux's
// ptrace_check_attach): else ESRCH. `any_state`: stopped or not.
Result<Proc*> ptrace_tracee_locked(Proc* tracer, i32 pid, bool any_state) REQUIRES(proc_lock);
// PTRACE_CONT (syscall false), PTRACE_SYSCALL (true): the stopped tracee
// runs, delivering sig (0: none). EIO for a bad signal.
Result<void> ptrace_resume(Proc* tracer, i32 pid, int sig, bool syscall);
// PTRACE_DETACH: the tracee goes back to its real parent and runs,
// delivering sig. EIO for a bad signal.
Result<void> ptrace_detach(Proc* tracer, i32 pid, int sig);
// PTRACE_KILL: SIGKILL to the stopped tracee.
Result<void> ptrace_kill(Proc* tracer, i32 pid);
// PTRACE_INTERRUPT (SEIZE only, else EIO): the tracee stops with
// PTRACE_EVENT_STOP at its next return to user mode.
Result<void> ptrace_interrupt(Proc* tracer, i32 pid);
// PTRACE_SETOPTIONS (EINVAL for unknown bits), PTRACE_GETEVENTMSG.
Result<void> ptrace_setoptions(Proc* tracer, i32 pid, u32 options);
Result<u64> ptrace_geteventmsg(Proc* tracer, i32 pid);
// PTRACE_PEEKDATA / POKEDATA: n bytes of the stopped tracee's memory
// (copy-on-write respected: core/vm/vm_io.h). EIO when not mapped.
Result<void> ptrace_io(Proc* tracer, i32 pid, uptr va, void* buf, size_t n, bool write);
// PTRACE_GET_SYSCALL_INFO (Linux's ptrace_get_syscall_info): the stopped
// tracee's pc and sp, and what it is at. Entry and Exit only at a syscall
// stop whose si_code is SIGTRAP | 0x80 (PTRACE_O_TRACESYSGOOD), as Linux
// tells them: else None. There is no seccomp, so never its op.
enum class PtraceSyscallOp : u8 { None = 0, Entry = 1, Exit = 2 };
struct PtraceSyscallInfo {
  PtraceSyscallOp op = PtraceSyscallOp::None;
  u64 pc = 0, sp = 0;
  u64 nr = 0, args[6] = {};      // Entry: as the frame holds them now
  i64 rval = 0;                  // Exit: the result (a0)
  bool is_error = false;         // Exit: rval is -4095..-1
};
Result<PtraceSyscallInfo> ptrace_syscall_info(Proc* tracer, i32 pid);
// PTRACE_PEEKSIGINFO's step: a copy of entry `index` of the stopped
// tracee's pending signals, on its thread's list or (shared) the
// process's (sigqueue.h); false past the end. ESRCH when not a stopped
// tracee.
Result<bool> ptrace_peek_siginfo(Proc* tracer, i32 pid, bool shared, u64 index, SigInfo* out);
// With the stopped tracee's LWP (its registers are in its user frame and
// FP state while it is stopped): fn(l) under proc_lock.
template <class Fn>
Result<void> ptrace_with_tracee(Proc* tracer, i32 pid, Fn fn);

// --- The stops (ptrace_stop.cpp), each in the tracee's own thread. ---

// Is p traced (a racy look for fast paths; the functions below re-check).
bool ptrace_traced(const Proc* p);
// Signal-delivery-stop: the delivery loop (core/proc/signal.cpp) has
// taken `sig` (with its si_code) off p's pending set; for a traced process
// the tracer decides: returns the signal to deliver instead (0: none).
// SIGKILL never stops.
int ptrace_signal_stop(Lwp* l, int sig, i32 si_code);
// On every return to user mode of a traced process: a PTRACE_INTERRUPT
// stop.
void ptrace_userret(Lwp* l);
// fork1's traced branches: the event a fork is (vfork: FORK_PPWAIT; clone:
// an exit signal other than SIGCHLD; else fork), whether p1's tracer
// follows it, and the new child's part (traced like its parent, a SIGSTOP
// pending so that it stops before its first instruction).
PtraceEvent ptrace_fork_kind(bool ppwait, int exitsig);
bool ptrace_follows_locked(const Proc* p1, PtraceEvent ev) REQUIRES(proc_lock);
void ptrace_fork_child_locked(Proc* p1, Proc* p2) REQUIRES(proc_lock);
// The parent's event stop after the child is published (NetBSD's
// eventswitch(TRAP_CHLD, PTRACE_FORK/VFORK)), and PTRACE_EVENT_VFORK_DONE
// after its vfork wait, when the tracer asked.
void ptrace_fork_event(Lwp* l1, PtraceEvent ev, i32 child_pid);
void ptrace_vfork_done(Lwp* l1, i32 child_pid);
// After a successful exec: PTRACE_EVENT_EXEC, or a plain SIGTRAP without
// PTRACE_O_TRACEEXEC.
void ptrace_exec_event(Lwp* l);
// exit1's first step: PTRACE_EVENT_EXIT (message: the wait status).
void ptrace_exit_event(Lwp* l, int status, int sig);
// PTRACE_SYSCALL's stops around a syscall. Entry: may change the number
// and arguments (re-read from the frame). Exit: r is the result, which the
// tracer may change.
bool ptrace_syscall_traced(const Proc* p);
void ptrace_syscall_entry(Lwp* l);
i64 ptrace_syscall_exit(Lwp* l, i64 r);
// exit1 of p, under proc_lock before its children go to init: its tracees
// are detached (resumed; killed under PTRACE_O_EXITKILL) and given back to
// their real parents; children a tracer holds forget p as their real parent.
void ptrace_exit_locked(Proc* p) REQUIRES(proc_lock);

// getppid: the real parent's pid (p_opptr) for a tracee, as Linux's
// real_parent; else its parent's.
i32 ptrace_real_ppid(Proc* p);

// --- wait4's view (exit.cpp). ---

// The tracer reaped zombie c it traces for another real parent: c goes back
// to that parent (which gets its exit signal and reaps it). True when c was
// handed back and must not be freed.
bool ptrace_handback_locked(Proc* waiter, Proc* c) REQUIRES(proc_lock);
// Whether `waiter` has a child matching pid (> 0, or -1: any) that a tracer
// holds: its wait4 sleeps instead of failing with ECHILD.
bool ptrace_traced_away_locked(const Proc* waiter, i32 pid) REQUIRES(proc_lock);

// Whose registers the tracer sees: the LWP in the ptrace stop, else the
// representative one (a threaded tracee is traced as one process).
inline Lwp* ptrace_regs_lwp_locked(Proc* t) REQUIRES(proc_lock) {
  return t->p_ptrace.stop_lwp ? t->p_ptrace.stop_lwp : t->p_lwp;
}

template <class Fn>
Result<void> ptrace_with_tracee(Proc* tracer, i32 pid, Fn fn) {
  MutexGuard g(proc_lock);
  Proc* t = TRY(ptrace_tracee_locked(tracer, pid, false));
  return fn(ptrace_regs_lwp_locked(t));
}

}  // namespace tine
