// What a traced process carries for its tracer (core/proc/ptrace*.cpp),
// one field of struct Proc (p_ptrace, under proc_lock). The requests and
// their numbers are Linux's (ptrace(2)); the seed's p_slflag bits stay the
// switches fork1 reads (PSL_TRACED, PSL_TRACEFORK, ...).
#pragma once

#include "core/lib/types.h"

namespace tine {

struct Lwp;

struct PtraceState {
  u32 options = 0;        // PTRACE_O_* the tracer set (ptrace.h)
  bool seized = false;    // attached by PTRACE_SEIZE (no SIGSTOP, INTERRUPT works)
  bool stopped = false;   // in a ptrace stop: only the tracer (or SIGKILL) resumes it
  Lwp* stop_lwp = nullptr;  // the LWP in that stop (a threaded tracee's registers are its)
  bool syscall = false;   // resumed by PTRACE_SYSCALL: stop at entry and exit
  bool interrupt = false; // PTRACE_INTERRUPT asked for a stop at the next userret
  int resume_sig = 0;     // the signal the tracer's resume request passes in
  u64 eventmsg = 0;       // PTRACE_GETEVENTMSG (at a syscall stop: kEventMsgSyscall*)
  // The si_code of the stop the tracee is in (Linux's last_siginfo): the
  // signal's for a signal-delivery-stop, the stop code (SIGTRAP | event
  // << 8, SIGTRAP[|0x80] for a syscall) otherwise; 0 when not stopped.
  // PTRACE_GET_SYSCALL_INFO reads it as Linux does.
  int stop_si_code = 0;
  u32 traced_away = 0;    // as a real parent: own children a tracer holds
};

}  // namespace tine
