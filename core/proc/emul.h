// An emulation: how a process talks to the kernel (NetBSD's struct emul).
// Its syscall table, and hooks the fork, exec and exit paths call.
#pragma once

#include "core/lib/types.h"

namespace tine {

struct Proc;
struct Lwp;

struct SyscallArgs {
  u64 a[6];
};

// A syscall returns its value, or -errno (the Linux convention).
using SyscallFn = i64 (*)(const SyscallArgs& args);

struct Emul {
  const char* name;
  const SyscallFn* syscalls;
  unsigned nsyscalls;
  // kern_fork.c: (*p2->p_emul->e_proc_fork)(p2, l1, flags), after the child
  // exists and before it runs. May not fail.
  void (*proc_fork)(Proc* p2, Lwp* l2, Lwp* l1, int flags);
  // The child's first step back toward user mode (child_return).
  void (*lwp_child_return)(Lwp* l2);
  // After a successful exec, and when a process exits.
  void (*proc_exec)(Proc* p);
  void (*lwp_exit)(Lwp* l);
  // The number of restart_syscall, which a restart block's call becomes
  // (core/proc/syscall.h).
  u64 restart_syscall_nr;
  // A number the table lacks, just before the call answers ENOSYS (the
  // emulation logs its name once); may be null.
  void (*unknown_syscall)(u64 number) = nullptr;
  // Per number below nsyscalls, the call's function where it neither reads
  // nor writes the whole user frame and takes no ptrace stop of its own
  // (core/proc/syscall.h's fast path), else null: one load finds both.
  const SyscallFn* fast;
};

extern const Emul emul_linux;

}  // namespace tine
