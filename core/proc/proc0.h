// proc0 and init: the kernel's own process and the first user process.
#pragma once

#include "core/sched/lwp.h"

namespace tine {

// Makes `lwp0` (the boot thread) the LWP of proc0, pid 0.
void proc0_init(Lwp* lwp0);
struct Proc;
extern Proc* g_proc0;

// Sets up the initrd, then forks init (pid 1) from proc0 and has it exec
// /bin/init with arguments from the kernel command line: argv gets the
// words after "--", envp every key=value word before it. When init exits,
// the machine powers off with its exit status.
void start_init(const void* loader_initrd, size_t loader_initrd_size);

}  // namespace tine
