// Process file descriptors (Linux's kernel/pid.c pidfd_create, kernel/
// signal.c pidfd_send_signal, kernel/exit.c's P_PIDFD): a File naming one
// process. NetBSD has none: this is the Linux emulation's (pidfd.cpp).
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

struct Proc;
struct Lwp;

// CLONE_PIDFD (bit 0x1000, the seed's CLONE_PID: clone.h), in three steps
// around fork1's commit point, as Linux's copy_process: before the door,
// linux_pidfd_clone_prepare makes the File, reserves the lowest free
// descriptor of the calling LWP's table and writes its number to `user` (a
// fault: Error::Fault, nothing left behind); fork1's emulation hook binds
// the File to the child and installs it (close-on-exec), before the child
// can run (linux_pidfd_clone_bind, which cannot fail); after the door,
// linux_pidfd_clone_finish drops the door's hold and frees the number if
// the fork failed. `c`, the caller's, rides on l1->emul_clone_pidfd.
struct File;
struct PidfdClone {
  File* file = nullptr;
  int fd = -1;
  bool installed = false;
};
Result<void> linux_pidfd_clone_prepare(Lwp* l1, uptr user, PidfdClone& c);
void linux_pidfd_clone_bind(Proc* p2, Lwp* l1);
void linux_pidfd_clone_finish(Lwp* l1);

// waitid(P_PIDFD, fd): the pid fd names (-1 once the process is reaped:
// no child matches, ECHILD), and whether fd is O_NONBLOCK. Error::BadF
// when fd is no pidfd.
struct PidfdWaitTarget {
  i32 pid;
  bool nonblock;
};
Result<PidfdWaitTarget> linux_pidfd_wait_target(int fd);

}  // namespace tine
