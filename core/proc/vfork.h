// The vfork hand-off (kern_fork.c / kern_exit.c / kern_exec.c): a parent
// forked with FORK_PPWAIT sleeps on its own LWP's condition variable under
// proc_lock until the child's successful exec or its exit clears
// l_vforkwaiting and wakes exactly that LWP. A failed exec does not.
//
// Process state, so it lives in core/proc: exec and exit release the
// parent, fork1 (fork/) waits; fork/ uses core/, never the reverse.
#pragma once

#include "core/proc/proc.h"

namespace tine {

// The child p execs or exits: its vfork parent runs again.
void vfork_release(Proc* p) REQUIRES(proc_lock);
// fork1's step 6: the parent LWP sleeps until its child releases it.
void vfork_wait(Lwp* l1) REQUIRES(proc_lock);

}  // namespace tine
