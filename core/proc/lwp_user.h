// A process's LWPs (NetBSD kern_lwp.c: lwp_create, lwp_exit, and the
// single-threading of exit and exec; Linux's CLONE_THREAD, exit and
// exit_group, de_thread).
//
// Every user LWP is on its process's p_lwps (under p_lock) and has a
// thread id from the pid space (proc_alloc_pid): the first LWP's is the
// pid, the others' are their own and go back when they exit. An LWP that
// exits while others live is freed when its hart switches away from it;
// the last one runs the process's exit (exit1) and is freed with the
// process by wait4.
#pragma once

#include "core/proc/proc.h"

namespace tine {

// A new LWP in l1's process (Linux clone with CLONE_THREAD, NetBSD's
// lwp_create): l1's user registers, but `stack` (0: l1's sp) and a0 = 0,
// l1's signal mask and FP registers, the TLS pointer `tls`, no alternate
// signal stack. It is on p_lwps with its tid but not yet runnable: the
// caller finishes what the emulation needs and calls sched_setrunnable.
// Its descriptor table and cwdinfo are l1's, held, under LWP_SHAREFILES
// and LWP_SHARECWD (CLONE_FILES, CLONE_FS), else copies of l1's
// (filetable_copy, cwdinit), made before the new LWP is listed: nothing
// fails after that (the seed's commit point).
// Error::NoMem for memory, Error::Again past the limit of threads or
// pids, Error::Intr while the process is exiting or exec'ing.
inline constexpr int LWP_SHAREFILES = 0x1;
inline constexpr int LWP_SHARECWD = 0x2;
Result<Lwp*> lwp_create_user(Lwp* l1, uptr stack, uptr tls, int share);

// Linux's unshare(CLONE_FILES / CLONE_FS) for the calling LWP l: its
// descriptor table (LWP_SHAREFILES in `which`) or cwdinfo (LWP_SHARECWD)
// becomes a copy of its own when anyone else holds it too (unshare_fd,
// unshare_fs); other LWPs and processes keep the one they had. Both
// copies are made before either is installed: Error::NoMem changes
// nothing.
Result<void> lwp_unshare_files(Lwp* l, int which) EXCLUDES(proc_lock);

// Linux's exit(2): ends the calling LWP; the last one ends the process
// with `status`, as exit_group.
[[noreturn]] void lwp_exit_user(Lwp* l, int status);

// Ends the calling LWP, which is not its process's last (another runs the
// process's exit, or lives on). The emulation's exit hook has run. Its
// holds on its descriptor table and cwdinfo go before it leaves p_lwps,
// so that the LWP waiting for the others (exit_group, exec) finds them
// released: the last holder closes the descriptors, and a parent's wait
// for the zombie comes after that, as on Linux.
[[noreturn]] void lwp_exit_thread(Lwp* l);

// Drops l's holds on its descriptor table and cwdinfo (taken off under
// proc_lock, for procfs; released after it): at the end of an LWP, and
// of a new one rolled back. Not under proc_lock: the last release closes
// descriptors.
void lwp_release_files(Lwp* l) EXCLUDES(proc_lock);
// The same in two steps, for exit1, which takes them off in a proc_lock
// hold of its own: off l (null, once taken) ...
void lwp_take_files_locked(Lwp* l, FileTable*& fd, CwdInfo*& cwdi) REQUIRES(proc_lock);
// ... and released, outside proc_lock. Either may be null.
void lwp_drop_files(FileTable* fd, CwdInfo* cwdi) EXCLUDES(proc_lock);

// Makes l its process's only LWP, for exit or exec: every other LWP gets a
// SIGKILL on its own list (ending any interruptible sleep or stop), and l
// waits until they have exited. false: another LWP got there first and is
// ending the process; l must exit (lwp_exit_thread).
// `for_exec`: when done, l takes over the pid as its tid (Linux's
// de_thread) and the process may make threads again.
bool proc_single_thread(Lwp* l, bool for_exec);

// The LWP with thread id `tid` in p, or nullptr.
Lwp* lwp_find_locked(Proc* p, i32 tid) REQUIRES(p->p_lockobj->mutex);

// Forgets the pending signals in `set` on every list of p (the shared one
// and each LWP's).
void proc_sigflush_locked(Proc* p, u64 set) REQUIRES(p->p_lockobj->mutex);

// An LWP beyond its process's first has gone (lwp_exit_thread).
void lwp_extra_gone();

// Limit on the LWPs of all processes together (Linux's threads-max is
// derived from memory; each LWP here costs its kernel stack).
extern u32 maxlwp;

}  // namespace tine
