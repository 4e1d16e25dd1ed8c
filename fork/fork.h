// The fork core: fork1() and its entry points, as NetBSD's kern_fork.c
// (rev 1.217; see DESIGN.md "The reference").
#pragma once

#include "core/proc/proc.h"
#include "core/lib/result.h"

namespace tine {

// fork1() flags (sys/proc.h FORK_*).
inline constexpr int FORK_PPWAIT = 0x01;      // parent sleeps until child execs/exits
inline constexpr int FORK_SHAREVM = 0x02;     // share the address space
inline constexpr int FORK_SHARECWD = 0x04;    // share the current directory
inline constexpr int FORK_SHAREFILES = 0x08;  // share the file table
inline constexpr int FORK_SHARESIGS = 0x10;   // share signal actions (and p_lock)
inline constexpr int FORK_NOWAIT = 0x20;      // child's parent is init
inline constexpr int FORK_CLEANFILES = 0x40;  // child gets a fresh file table
inline constexpr int FORK_SYSTEM = 0x80;      // a system process
// Not in the seed: Linux's CLONE_PARENT. The child's parent is the caller's
// parent, and its exit signal the caller's own (Linux's copy_process).
inline constexpr int FORK_SIBLING = 0x100;

// Tunables of the seed.
extern u32 forkfsleep_ns;   // pause after a failed fork (0: none), as forkfsleep
extern u32 forkfsleep_tablefull_ns;

// retval[0] = child's pid, retval[1] = 0 (the parent's view).
// func == nullptr: the child returns to user mode through child_return with
// a copy of the parent's user frame (stack != 0 replaces its stack pointer).
// Else the child runs func(arg) in the kernel.
Result<void> fork1(Lwp* l1, int flags, int exitsig, uptr stack,
                   size_t stacksize, void (*func)(void*), void* arg,
                   i64* retval, Proc** rnewprocp);

// The child's first instructions (fork/child_return.cpp).
void child_return(void* arg);

// Entry points (fork/sys_fork.cpp), the only doors into fork1 from user
// space; core/ reaches them through core/proc/fork_doors.h.
i64 sys_fork(const struct SyscallArgs& args);
i64 sys_vfork(const struct SyscallArgs& args);      // 4.4BSD: copied VM, parent waits
i64 sys___vfork14(const struct SyscallArgs& args);  // 3BSD: shared VM, parent waits
i64 sys___clone(const struct SyscallArgs& args);    // flags, stack

// Maps clone flags (core/proc/clone.h) to fork1 flags and exit signal, with
// the seed's refusals: sys___clone's one mapping. Error::Inval for a refused
// combination.
struct CloneMapping {
  int fork_flags;
  int exitsig;
};
Result<CloneMapping> clone_flags_to_fork(u64 clone_flags);

// Registered fork hooks (forkhook_establish in NetBSD's kern_fork.c).
using ForkHook = void (*)(Proc* p1, Proc* p2);
Result<void> forkhook_establish(ForkHook fn);
void forkhook_disestablish(ForkHook fn);

}  // namespace tine
