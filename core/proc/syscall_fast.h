// The fast syscall path's generic steps, inline: the HAL's trap entry
// composes them into one function for the calls the emulation lists as
// fast (emul.h), so a null syscall makes no call but the syscall itself.
// syscall.h says what the path may and may not do.
#pragma once

#include "core/proc/cputimer_userret.h"
#include "core/proc/emul.h"
#include "core/proc/proc.h"
#include "core/proc/syscall.h"
#include "core/sched/lwp.h"

namespace tine {

// PSL_TRACED, a hint read without the lock: a process traced after the
// look is stopped at its next return to user mode, which then goes slow.
inline bool syscall_traced_hint(const Proc* p) NO_THREAD_SAFETY_ANALYSIS {
  return __atomic_load_n(&p->p_slflag, __ATOMIC_RELAXED) & PSL_TRACED;
}

// Whether syscall `number` of l may take the fast path: listed as fast, no
// tracer, no strace. l is curlwp() and a user LWP.
inline bool syscall_fast_ok(const Lwp* l, u64 number) {
  const Emul* e = l->proc->p_emul;
  return number < e->nsyscalls && e->fast && e->fast[number] && !syscall_trace &&
         !syscall_traced_hint(l->proc);
}

// syscall_dispatch for a call that syscall_fast_ok allowed.
inline i64 syscall_run_fast(Lwp* l, u64 number, const SyscallArgs& args) {
  l->l_sysrestart = kRestartNone;
  const i64 r = l->proc->p_emul->syscalls[number](args);
  if (r >= 0 && l->l_sysrestart == kRestartNone) return r;  // nothing to note
  return syscall_note_restart(l, r, args);
}

// Nothing for userret_signals and ptrace_userret to do: no signal pending,
// no stop, no syscall restart or saved mask, not traced. The words they
// look at first, read as they read them (hints: a signal posted after the
// look is taken on the next return, as one posted after theirs).
inline bool userret_idle(const Lwp* l) NO_THREAD_SAFETY_ANALYSIS {
  const Proc* p = l->proc;
  return (__atomic_load_n(&p->p_sigpend, __ATOMIC_ACQUIRE) |
          __atomic_load_n(&l->l_sigpend, __ATOMIC_ACQUIRE)) == 0 &&
         __atomic_load_n(reinterpret_cast<const u8*>(&p->p_stat), __ATOMIC_ACQUIRE) !=
             u8(ProcStat::SSTOP) &&
         l->l_sysrestart == kRestartNone && !l->l_sigsaved_set && !syscall_traced_hint(p);
}

// userret's first steps: the CPU-timer step, then true when nothing is
// left (else the HAL saves the whole frame and calls userret_work).
inline bool userret_fast(Lwp* l) {
  cputimer_userret_fast(l);  // may post SIGVTALRM/SIGPROF: then not idle
  return userret_idle(l);
}

}  // namespace tine
