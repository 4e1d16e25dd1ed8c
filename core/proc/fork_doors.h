// The doors into fork, as core/ calls them.
//
// Arrows point one way, fork/ -> core/ -> hal/ (DESIGN.md), so core/ never
// names fork1 or sys_fork. Where core/ must fork (the Linux emulation's
// clone, the boot's fork of init), fork/ hands it this table of entry
// points instead, the way NetBSD lets upper layers hook into lower ones
// (forkhook_establish, exechook lists). fork/sys_fork.cpp installs it from
// a static constructor: the kernel links fork/'s objects directly and
// hal/riscv/start.cpp runs .init_array before kmain; the host tests link
// core/ and fork/ as one static library, so a host test that forks must
// reference the door table's object (test_fork.cpp calls the doors).
//
// The seed's four entry points are the only ways from a user program into
// fork1; the Linux clone shim decodes clone(2) and calls one of them
// (core/compat/linux/process.cpp). The fifth, kernel(), is the kernel's own
// fork of a process that runs a kernel function (init from proc0, as
// NetBSD's main() calls fork1 for start_init).
#pragma once

#include "core/lib/result.h"
#include "core/proc/emul.h"

namespace tine {

struct ForkDoors {
  SyscallFn fork;     // sys_fork(): fork1(0, SIGCHLD)
  SyscallFn vfork;    // sys_vfork(): 4.4BSD, FORK_PPWAIT, memory copied
  SyscallFn vfork14;  // sys___vfork14(): 3BSD, FORK_PPWAIT|FORK_SHAREVM
  SyscallFn clone;    // sys___clone(flags, stack): the seed's flag mapping
  // A child of l1 that runs func(arg) in the kernel; its pid.
  Result<i64> (*kernel)(Lwp* l1, void (*func)(void*), void* arg);
};

// fork/ installs its doors once, before anything forks.
void fork_doors_install(const ForkDoors* doors);
// The installed doors (KASSERTs that there are some).
const ForkDoors& fork_doors();

}  // namespace tine
