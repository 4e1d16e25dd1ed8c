// Syscall dispatch through the process's emulation (p_emul), and the way
// back to user mode.
#pragma once

#include "core/proc/emul.h"
#include "core/lib/result.h"

namespace tine {

// Kernel command line `strace`: print every syscall (number, 3 args).
extern bool syscall_trace;

// Runs syscall `number` for the current process; returns the value or
// -errno (unknown numbers: -ENOSYS).
i64 syscall_dispatch(u64 number, const SyscallArgs& args);

// A user fault the address space could not resolve: SIGSEGV (or SIGBUS,
// SIGILL) to the current process.
void user_fault_signal(int sig);

// On every return to user mode: pending signals.
void userret();

inline i64 errno_of(Error e) { return -i64(e); }
template <typename T>
i64 syscall_result(const Result<T>& r) {
  if (!r.ok()) return errno_of(r.error());
  return i64(r.value());
}
inline i64 syscall_result(const Result<void>& r) {
  return r.ok() ? 0 : errno_of(r.error());
}

}  // namespace tine
