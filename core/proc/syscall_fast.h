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

// The function of syscall `number` of l if it may take the fast path
// (listed as fast, no tracer, no strace), else null. l is curlwp() and a
// user LWP. Tracing and strace show in l_work (userret keeps kWorkSignal
// set while userret_idle is false), and any work there sends the call the
// full way, so that one word stands for both.
inline SyscallFn syscall_fast_fn(const Lwp* l, u64 number) {
  const Emul* e = l->proc->p_emul;
  if (number >= e->nsyscalls || __atomic_load_n(&l->l_work, __ATOMIC_RELAXED)) return nullptr;
  return e->fast[number];
}

// syscall_dispatch for a call that syscall_fast_fn gave.
inline i64 syscall_run_fast(Lwp* l, SyscallFn fn, const SyscallArgs& args) {
  l->l_sysrestart = kRestartNone;
  const i64 r = fn(args);
  if (r >= 0 && l->l_sysrestart == kRestartNone) return r;  // nothing to note
  return syscall_note_restart(l, r, args);
}

// Nothing for userret_signals and ptrace_userret to do: no signal pending,
// no stop, no syscall restart or saved mask, not traced. The words they
// look at first, read as they read them (hints: a signal posted after the
// look is taken on the next return, as one posted after theirs). The full
// userret asks this; the fast path reads l_work instead, which every
// poster of these sets (lwp.h) and userret sets again while this is false.
inline bool userret_idle(const Lwp* l) NO_THREAD_SAFETY_ANALYSIS {
  const Proc* p = l->proc;
  return (__atomic_load_n(&p->p_sigpend, __ATOMIC_ACQUIRE) |
          __atomic_load_n(&l->l_sigpend, __ATOMIC_ACQUIRE)) == 0 &&
         __atomic_load_n(reinterpret_cast<const u8*>(&p->p_stat), __ATOMIC_ACQUIRE) !=
             u8(ProcStat::SSTOP) &&
         l->l_sysrestart == kRestartNone && !l->l_sigsaved_set && !syscall_traced_hint(p) &&
         !syscall_trace;  // strace: every call the full way (syscall_fast_fn)
}

}  // namespace tine
