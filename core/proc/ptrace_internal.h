// Helpers shared by ptrace.cpp and ptrace_stop.cpp, nothing else.
#pragma once

#include "core/proc/ptrace.h"

namespace tine {

// The p_slflag bits that follow PTRACE_O_* (fork1 reads them).
inline constexpr u32 kPslTraceEvents =
    PSL_TRACEFORK | PSL_TRACEVFORK | PSL_TRACECLONE | PSL_TRACEVFORK_DONE;

// Moves p under new_parent, carrying its stopped-child count with it
// (NetBSD's proc_reparent).
void trace_reparent_locked(Proc* p, Proc* new_parent) REQUIRES(proc_lock);
// Posts the tracer's SIGSTOP and SIGKILL, exec's SIGTRAP to traced p: a
// tracee keeps even the signals it ignores (Linux's sig_ignored), so they
// reach the tracer.
void trace_post_signal(Proc* p, int sig) REQUIRES(proc_lock);
u32 trace_psl_of(u32 options);
void trace_set_options_locked(Proc* t, u32 options) REQUIRES(proc_lock);
// Ends t's ptrace stop (if it is in one), passing sig; PTRACE_SYSCALL when
// syscall.
void trace_resume_locked(Proc* t, int sig, bool syscall) REQUIRES(proc_lock);
// Detaches t from `tracer` (its real parent gets it back), resumed with sig.
void trace_detach_locked(Proc* t, Proc* tracer, int sig) REQUIRES(proc_lock);

}  // namespace tine
