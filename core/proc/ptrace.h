// The in-kernel half of ptrace(2) that fork's traced branches need
// (NetBSD sys_process.c and kern/sys_ptrace_common.c): PT_ATTACH and
// PT_SET_EVENT_MASK. There is no ptrace system call yet: these are the
// functions a shim would call after its kauth check (KAUTH_PROCESS_PTRACE),
// which is therefore not made here. Detach, PT_CONTINUE and the SIGSTOP
// that NetBSD sends on attach are not implemented (stop signals are ignored,
// core/proc/signal.cpp).
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

struct Proc;

// PT_SET_EVENT_MASK bits, as NetBSD's sys/ptrace.h.
inline constexpr u32 PTRACE_FORK = 0x0001;
inline constexpr u32 PTRACE_VFORK = 0x0002;

// PT_ATTACH: `tracer` traces `target`, which becomes its child (the real
// parent is kept in p_opptr). EINVAL for oneself, EPERM for a system
// process or init, EBUSY when already traced.
Result<void> proc_trace_attach(Proc* tracer, Proc* target);

// PT_SET_EVENT_MASK: which of target's forks the tracer follows (fork1
// gives such a child to the tracer, PSL_TRACEDCHILD). EPERM
// unless `tracer` traces `target`.
Result<void> proc_trace_set_events(Proc* tracer, Proc* target, u32 events);

}  // namespace tine
