// pidfds (pidfd.h): pidfd_open (434), pidfd_send_signal (424), CLONE_PIDFD,
// and what poll, epoll and waitid see of them.
//
// A pidfd names its process by pid and start time (p_stats.start_ns), so a
// pid used again after the reap is not the same process. While the process
// lives, the pidfd listens on it (a knote, core/proc/knote.h); exit1 posts
// NOTE_EXIT when the process becomes a zombie, which marks the pidfd
// readable (POLLIN, as Linux's pidfd_poll once the thread group is empty)
// and wakes pollers. Linux adds POLLHUP once the process is reaped; Tine
// does not (nothing tells the pidfd of the reap). Not provided: pidfd_getfd,
// PIDFD_THREAD and pidfd_send_signal's scope flags (EINVAL), and
// pidfd_open/CLONE_PIDFD of a thread (CLONE_PIDFD with CLONE_THREAD is
// EINVAL, as Linux before 6.9).
#include "core/compat/linux/pidfd.h"

#include "core/compat/linux/linux.h"
#include "core/fs/file.h"
#include "core/fs/filedesc.h"
#include "core/fs/poll.h"
#include "core/lib/new.h"
#include "core/proc/knote.h"
#include "core/proc/lwp_user.h"
#include "core/proc/proc.h"
#include "core/proc/signal.h"
#include "core/procfs/procfs.h"
#include "core/sched/sched.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {
struct Pidfd {
  Knote kn;  // on listened_to's p_klist while that is set
  Pid pid;
  u64 start_ns = 0;
  // Set while the process has not ended; exit1 unlinks the knote before
  // it can be freed (a fork's child may not be listed yet).
  Proc* listened_to GUARDED_BY(proc_lock) = nullptr;
  u32 exited = 0;  // atomic: set by NOTE_EXIT, or at creation for a zombie
};

Pidfd* pidfd_of(File& f) { return static_cast<Pidfd*>(f.data); }

// NOTE_EXIT (under proc_lock, from exit1): readable from now on. exit1
// detaches the knote after the posting.
void on_exit(Knote* kn, u32, i64) {
  proc_lock.assert_held();
  Pidfd* s = static_cast<Pidfd*>(kn->arg);
  s->listened_to = nullptr;
  __atomic_store_n(&s->exited, 1u, __ATOMIC_RELEASE);
  poll_wakeup();
}

// Starts listening on p, or marks the pidfd readable if p has ended.
void bind_locked(Pidfd* s, Proc* p) REQUIRES(proc_lock) {
  s->pid = p->p_pid;
  s->start_ns = p->p_stats.start_ns;
  if (p->p_stat == ProcStat::SZOMB || p->p_stat == ProcStat::SDEAD) {
    __atomic_store_n(&s->exited, 1u, __ATOMIC_RELEASE);
    return;
  }
  s->listened_to = p;
  knote_attach_locked(p, &s->kn);
}

// The process s names, unless reaped (and its pid perhaps used again).
Proc* target_locked(const Pidfd* s) REQUIRES(proc_lock) {
  Proc* p = proc_find_locked(s->pid);
  if (!p || p->p_stats.start_ns != s->start_ns || p->p_stat == ProcStat::SDEAD) return nullptr;
  return p;
}

constexpr u64 kPidfdSignalThread = 1, kPidfdSignalThreadGroup = 2;

Result<size_t> pidfd_rw(File&, uptr, size_t) { return Error::Inval; }

void pidfd_close(File& f) {
  Pidfd* s = pidfd_of(f);
  {
    MutexGuard g(proc_lock);
    if (s->listened_to) knote_detach_locked(s->listened_to, &s->kn);
  }
  s->~Pidfd();
  kfree(s);
}

i16 pidfd_poll(File& f) {
  // No proc_lock here: epoll asks under its own lock, which ranks after it.
  return __atomic_load_n(&pidfd_of(f)->exited, __ATOMIC_ACQUIRE) ? i16(kPollIn | kPollRdNorm)
                                                                   : i16(0);
}

const FileOps kPidfdOps = {
    .name = "pidfd",
    .read = pidfd_rw,
    .write = pidfd_rw,
    .close = pidfd_close,
    .stat = anon_inode_stat,
    .seekable = false,
    .poll = pidfd_poll,
};

// A File for a pidfd not yet bound, O_RDWR plus `flags` (O_NONBLOCK).
Result<File*> pidfd_file(int flags) {
  void* m = kmalloc(sizeof(Pidfd));
  if (!m) return Error::NoMem;
  Pidfd* s = new (m) Pidfd;
  s->kn.fflags = NOTE_EXIT;
  s->kn.fn = on_exit;
  s->kn.arg = s;
  Result<File*> f = file_create(&kPidfdOps, kORdWr | flags, s);
  if (!f.ok()) {
    s->~Pidfd();
    kfree(s);
  }
  return f;
}

// The pidfd behind descriptor fd, held (file_release it), or Error::BadF.
Result<File*> get_pidfd(int fd) {
  File* f = TRY(fd_get(curfd(), fd));
  if (f->ops != &kPidfdOps) {
    file_release(f);
    return Error::BadF;
  }
  return f;
}
}  // namespace

Result<PidfdWaitTarget> linux_pidfd_wait_target(int fd) {
  File* f = TRY(get_pidfd(fd));
  PidfdWaitTarget w{-1, f->nonblocking()};
  {
    MutexGuard g(proc_lock);
    if (target_locked(pidfd_of(*f))) w.pid = pidfd_of(*f)->pid.value;
  }
  file_release(f);
  return w;
}

// pidfd_open(pid, flags): EINVAL for flags but PIDFD_NONBLOCK (O_NONBLOCK)
// and for pid <= 0, ESRCH for no such process, ENOENT for a thread's id
// that is not its process's (Linux 6.18 without PIDFD_THREAD);
// a zombie has a pidfd, readable at once. O_RDWR, close-on-exec.
i64 linux_sys_pidfd_open(const SyscallArgs& a) {
  const i32 pid = i32(a.a[0]);
  const u32 flags = u32(a.a[1]);
  if (flags & ~u32(kONonBlock)) return errno_of(Error::Inval);
  if (pid <= 0) return errno_of(Error::Inval);
  Result<File*> made = pidfd_file(int(flags));
  if (!made.ok()) return errno_of(made.error());
  File* f = made.value();
  Error why = Error::Srch;
  bool bound = false;
  {
    MutexGuard g(proc_lock);
    Proc* p = proc_find_locked(Pid{pid});
    if (p && p->p_stat != ProcStat::SIDL && p->p_stat != ProcStat::SDEAD) {
      bind_locked(pidfd_of(*f), p);
      bound = true;
    } else {
      for (Proc* q : allproc) {
        MutexGuard pg(q->p_lock());
        if (lwp_find_locked(q, pid)) why = Error::NoEnt;
      }
    }
  }
  if (!bound) {
    file_release(f);
    return errno_of(why);
  }
  Result<int> fd = fd_install(curfd(), f, true);
  file_release(f);  // the slot holds its own
  return syscall_result(fd);
}

// pidfd_send_signal(pidfd, sig, info, flags), to a pidfd or a /proc/<pid>
// directory's descriptor, in Linux's order: EINVAL
// for flags but one of PIDFD_SIGNAL_THREAD (to the thread whose id is the
// pid: the first) and PIDFD_SIGNAL_THREAD_GROUP (the process, as no
// flags); PIDFD_SIGNAL_PROCESS_GROUP is not provided (EINVAL); EBADF for a
// descriptor that is no pidfd, EFAULT for info, EINVAL when info's
// si_signo is not sig, EPERM for kill's or the kernel's si_code to
// another process (a process may send itself anything); ESRCH once the
// process is reaped; then kill's checks (EINVAL for a bad signal, EPERM).
// Without info, kill's SI_USER info from the caller.
i64 linux_sys_pidfd_send_signal(const SyscallArgs& a) {
  const int sig = int(a.a[1]);
  const uptr uinfo = a.a[2];
  const u64 flags = a.a[3];
  if (flags != 0 && flags != kPidfdSignalThread && flags != kPidfdSignalThreadGroup)
    return errno_of(Error::Inval);
  const bool to_thread = flags == kPidfdSignalThread;
  Proc* self = curproc();
  Result<File*> got = fd_get(curfd(), int(a.a[0]));
  if (!got.ok()) return errno_of(got.error());
  File* f = got.value();
  // A pidfd, or a /proc/<pid> directory (Linux's tgid_pidfd_to_pid).
  const Pidfd* s = f->ops == &kPidfdOps ? pidfd_of(*f) : nullptr;
  u64 dir_start_ns = 0;
  const i32 target = s ? s->pid.value : procfs_pid_dir(f->vnode, &dir_start_ns);
  if (target == 0) {
    file_release(f);
    return errno_of(Error::BadF);
  }
  SigInfo info;
  Result<void> r = ok();
  if (uinfo) {
    r = copyin(&info, uinfo, sizeof info);
    if (r.ok() && info.si_signo != sig) r = Error::Inval;
    if (r.ok() && target != curlwp()->l_lid &&
        (info.si_code >= 0 || info.si_code == kSiTkill))
      r = Error::Perm;
  } else if (sig >= 0 && sig < int(kNsig)) {
    info = siginfo_from(self, sig, to_thread ? kSiTkill : kSiUser);
  } else {
    info = SigInfo{};
    info.si_signo = sig;
  }
  if (r.ok()) {
    // The very process the pidfd or directory was made for, not a later
    // one with its pid (LTP pidfd_send_signal03).
    MutexGuard g(proc_lock);
    if (s && !target_locked(s)) r = Error::Srch;
    if (!s) {
      Proc* p = proc_find_locked(Pid{target});
      if (!p || p->p_stats.start_ns != dir_start_ns || p->p_stat == ProcStat::SDEAD)
        r = Error::Srch;
    }
  }
  file_release(f);
  const i32 pid = target;
  if (!r.ok()) return errno_of(r.error());
  // A real-time signal that cannot be queued is EAGAIN unless kill's
  // SI_USER (sigpending_count.h).
  if (to_thread) return syscall_result(kill_lwp(self, pid, pid, info, info.si_code != kSiUser));
  return syscall_result(kill_proc(self, pid, info, info.si_code != kSiUser));
}

}  // namespace tine
