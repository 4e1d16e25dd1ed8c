// Process file descriptors (Linux's kernel/pid.c pidfd_create, kernel/
// signal.c pidfd_send_signal, kernel/exit.c's P_PIDFD): a File naming one
// process. NetBSD has none: this is the Linux emulation's (pidfd.cpp).
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

struct Proc;
struct Lwp;

// No CLONE_PIDFD: bit 0x1000 is the seed's CLONE_PID, which it refuses,
// and where Linux and the seed disagree on fork the seed wins (DESIGN.md,
// "User ABI"; core/proc/clone.h). pidfd_open gives a child's pidfd.
// waitid(P_PIDFD, fd): the pid fd names (-1 once the process is reaped:
// no child matches, ECHILD), and whether fd is O_NONBLOCK. Error::BadF
// when fd is no pidfd.
struct PidfdWaitTarget {
  i32 pid;
  bool nonblock;
};
Result<PidfdWaitTarget> linux_pidfd_wait_target(int fd);

}  // namespace tine
