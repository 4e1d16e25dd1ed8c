// Linux process syscalls: what clone (clone.cpp) needs beyond the seed's
// doors -- CHILD_SETTID, CHILD_CLEARTID, PARENT_SETTID, SETTLS,
// CLEAR_SIGHAND -- in the emulation's fork hook and child return; exit,
// exec, wait, kill, ids and limits.
#include "core/compat/linux/linux.h"
#include "core/proc/syscall_fast.h"

#include "core/compat/linux/pidfd.h"

#include "core/fs/filedesc.h"
#include "core/proc/ptrace.h"

#include "core/proc/clone.h"
#include "core/proc/exec.h"
#include "core/proc/exit.h"
#include "core/proc/fork_doors.h"
#include "core/proc/lwp_user.h"
#include "core/proc/futex.h"
#include "core/proc/pgrp.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"
#include "core/vm/vm.h"
#include "hal/user.h"

namespace tine {

// fork1's emulation hook: the child exists, has its copy (or share) of the
// parent's memory, and has not run yet.
void linux_proc_fork(Proc* p2, Lwp* l2, Lwp* l1, int) {
  const u64 flags = l1->emul_clone_flags;
  linux_sched_fork(l2, l1);
  linux_membarrier_fork(p2, l1);
  // On sigacts_default every action is the default already.
  if ((flags & kCloneClearSighand) && p2->p_sigacts != &sigacts_default) {
    // clone3's CLONE_CLEAR_SIGHAND: caught signals take their default
    // action in the child (its own copy: CLONE_SIGHAND is refused with it).
    proc_assert_private(p2);
    for (SigAction& act : p2->p_sigacts->actions) {
      if (act.handler == kSigIgn) continue;
      act.handler = kSigDfl;
      act.flags = 0;
      act.mask = 0;
    }
  }
  if (flags & kCloneSettls) {
    hal::user_frame_set_tls(hal::user_frame_of(l2->stack), l1->emul_clone_tls);
    l2->l_private = l1->emul_clone_tls;
  }
  if (flags & kCloneChildSettid) l2->emul_set_child_tid = l1->emul_clone_child_tid;
  if (flags & kCloneChildCleartid) l2->emul_clear_child_tid = l1->emul_clone_child_tid;
  // CLONE_PARENT_SETTID: the child's id goes into the parent's memory
  // before the child can run (a vfork child may exec or exit before the
  // parent returns). The hook runs in the parent's address space, after
  // the child's was made, as Linux's kernel_clone writes it after
  // copy_process: with CLONE_VM the child sees it too, a copied child
  // does not (checked on Linux). A fault is ignored, as Linux ignores it.
  if (flags & kCloneParentSettid) {
    const i32 tid = p2->p_pid.value;
    (void)copyout(l1->emul_clone_parent_tid, &tid, sizeof tid);
  }
}

void linux_child_return(Lwp* l2) {
  if (l2->emul_set_child_tid) {
    i32 tid = l2->l_lid;
    (void)copyout(l2->emul_set_child_tid, &tid, sizeof tid);
  }
}

// The tid addresses belong to the old image: exec forgets them, as Linux's
// exec does (mm_release clears clear_child_tid), so that the new image's
// exit writes no zero at a stale address. (Linux also zeroes the old word
// when the old address space lives on, shared with CLONE_VM, and wakes its
// futex; Tine has no futex, and its exec hook runs in the new space.)
void linux_proc_exec(Proc* p) {
  if (Lwp* l = p->p_lwp) {
    l->emul_set_child_tid = 0;
    l->emul_clear_child_tid = 0;
    l->emul_robust_list = 0;  // the new image registers its own
  }
}

// As Linux's exit_mm_release: the robust list is walked (locks the thread
// still holds get FUTEX_OWNER_DIED), then CLONE_CHILD_CLEARTID's word is
// zeroed and one waiter on it woken (pthread_join's wait), faults ignored.
void linux_lwp_exit(Lwp* l) {
  linux_futex_lwp_exit(l);
  if (l->emul_clear_child_tid && l->proc && l->proc->p_vmspace) {
    i32 zero = 0;
    if (copyout(l->emul_clear_child_tid, &zero, sizeof zero).ok())
      (void)futex_wake(l->proc->p_vmspace, l->emul_clear_child_tid, true, 1, kFutexBitsetAny);
  }
}

i64 linux_sys_exit_group(const SyscallArgs& a) { exit1(curlwp(), int(a.a[0] & 0xff), 0); }
i64 linux_sys_exit(const SyscallArgs& a) { lwp_exit_user(curlwp(), int(a.a[0] & 0xff)); }

i64 linux_sys_execve(const SyscallArgs& a) {
  return syscall_result(sys_execve_impl(curlwp(), a.a[0], a.a[1], a.a[2]));
}
// execveat(dirfd, path, argv, envp, flags): the same exec (core/proc/exec).
i64 linux_sys_execveat(const SyscallArgs& a) {
  return syscall_result(
      sys_execveat_impl(curlwp(), int(a.a[0]), a.a[1], a.a[2], a.a[3], int(a.a[4])));
}

i64 linux_sys_wait4(const SyscallArgs& a) {
  int status = 0;
  const int options = int(a.a[2]);
  if (options & ~(kWaitNoHang | kWaitUntraced | kWaitContinued | kWaitNoThread | kWaitClone |
                  kWaitAll))
    return errno_of(Error::Inval);
  // -INT_MIN names no process group (it overflows): Linux's kernel_wait4
  // answers ESRCH, after the options check.
  if (i32(a.a[0]) == -2147483647 - 1) return errno_of(Error::Srch);
  WaitResult w;
  Result<i64> r = do_wait4(curproc(), i32(a.a[0]), options, &status, &w);
  if (!r.ok()) return errno_of(r.error());
  if (r.value() > 0 && a.a[3]) {
    const i64 c = linux_copyout_rusage(a.a[3], w.utime_ns, w.stime_ns);
    if (c < 0) return c;
  }
  if (r.value() > 0 && a.a[1]) {
    Result<void> c = copyout(a.a[1], &status, sizeof status);
    if (!c.ok()) return errno_of(c.error());
  }
  return r.value();
}

// waitid(idtype, id, infop, options, rusage) (Linux kernel/exit.c): the
// checks in Linux's order, then the wait; infop gets a SIGCHLD siginfo, or
// zeros when WNOHANG found nothing; rusage (may be NULL) gets the child's
// usage (resource.cpp) when a child was found.
namespace {
// The SIGCHLD part of riscv64's siginfo_t (128 bytes in all).
struct LinuxSiginfoChld {
  i32 signo, errno_, code, pad;
  i32 pid;
  u32 uid;
  i32 status, pad2;
};
static_assert(offsetof(LinuxSiginfoChld, status) == 24);
constexpr int kPAll = 0, kPPid = 1, kPPgid = 2, kPPidfd = 3;
}  // namespace

i64 linux_sys_waitid(const SyscallArgs& a) {
  const int idtype = int(a.a[0]);
  const i32 id = i32(a.a[1]);
  const uptr infop = a.a[2], ru = a.a[4];
  const int options = int(a.a[3]);
  if (options & ~(kWaitNoHang | kWaitNoWait | kWaitExited | kWaitUntraced | kWaitContinued |
                  kWaitNoThread | kWaitClone | kWaitAll))
    return errno_of(Error::Inval);
  if (!(options & (kWaitExited | kWaitUntraced | kWaitContinued))) return errno_of(Error::Inval);
  WaitSpec w{.idtype = WaitId::All, .id = 0, .options = options};
  bool again_if_none = false;
  Proc* p = curproc();
  switch (idtype) {
    case kPAll:
      break;
    case kPPid:
      if (id <= 0) return errno_of(Error::Inval);
      w.idtype = WaitId::Pid;
      w.id = id;
      break;
    case kPPgid:
      if (id < 0) return errno_of(Error::Inval);
      w.idtype = WaitId::Pgid;
      w.id = id;
      if (id == 0) {  // the caller's own group (Linux 5.4)
        MutexGuard g(proc_lock);
        w.id = p->p_pgrp ? p->p_pgrp->pgid.value : 0;
      }
      break;
    case kPPidfd: {
      // The pidfd's process (no child once reaped: ECHILD); an O_NONBLOCK
      // pidfd waits as WNOHANG and says EAGAIN when nothing is ready
      // (Linux's kernel_waitid, infop zeroed all the same).
      if (id < 0) return errno_of(Error::Inval);
      Result<PidfdWaitTarget> t = linux_pidfd_wait_target(id);
      if (!t.ok()) return errno_of(t.error());
      w.idtype = WaitId::Pid;
      w.id = t.value().pid;
      if (t.value().nonblock && !(options & kWaitNoHang)) {
        w.options |= kWaitNoHang;
        again_if_none = true;
      }
      break;
    }
    default:
      return errno_of(Error::Inval);
  }
  WaitResult r;
  Result<bool> found = do_wait(p, w, r);
  if (!found.ok()) return errno_of(found.error());
  if (ru && found.value()) {  // Linux leaves it alone when WNOHANG found nothing
    const i64 c = linux_copyout_rusage(ru, r.utime_ns, r.stime_ns);
    if (c < 0) return c;
  }
  if (infop) {
    LinuxSiginfoChld si{};
    if (found.value()) {
      si.signo = kSigChld;
      si.code = r.code;
      si.pid = r.pid;
      si.uid = r.uid;
      si.status = r.si_status;
    }
    // Only the fields Linux writes (signo through status); the rest of the
    // user's siginfo is left as it was, as there.
    Result<void> c = copyout(infop, &si, offsetof(LinuxSiginfoChld, pad2));
    if (!c.ok()) return errno_of(c.error());
  }
  return again_if_none && !found.value() ? errno_of(Error::Again) : 0;
}

// prctl(2): the options of the process model (issue 8); others EINVAL.
namespace {
constexpr int kPrSetPdeathsig = 1, kPrGetPdeathsig = 2, kPrSetChildSubreaper = 36,
              kPrGetChildSubreaper = 37;
}  // namespace
i64 linux_sys_prctl(const SyscallArgs& a) {
  Proc* p = curproc();
  int v = 0;
  switch (int(a.a[0])) {
    case kPrSetPdeathsig:
      if (a.a[1] >= kNsig) return errno_of(Error::Inval);
      {
        MutexGuard g(proc_lock);
        p->p_pdeathsig = int(a.a[1]);
      }
      return 0;
    case kPrGetPdeathsig: {
      {
        MutexGuard g(proc_lock);
        v = p->p_pdeathsig;
      }
      return syscall_result(copyout(a.a[1], &v, sizeof v));
    }
    case kPrSetChildSubreaper: {
      MutexGuard g(proc_lock);
      p->p_subreaper = a.a[1] != 0;
      return 0;
    }
    case kPrGetChildSubreaper: {
      {
        MutexGuard g(proc_lock);
        v = p->p_subreaper ? 1 : 0;
      }
      return syscall_result(copyout(a.a[1], &v, sizeof v));
    }
    default:
      return errno_of(Error::Inval);
  }
}

// Process groups and sessions (core/proc/pgrp.h).
i64 linux_sys_setpgid(const SyscallArgs& a) {
  return syscall_result(pgrp_setpgid(curproc(), i32(a.a[0]), i32(a.a[1])));
}
i64 linux_sys_getpgid(const SyscallArgs& a) {
  Result<i32> r = pgrp_getpgid(curproc(), i32(a.a[0]));
  return r.ok() ? r.value() : errno_of(r.error());
}
i64 linux_sys_getsid(const SyscallArgs& a) {
  Result<i32> r = pgrp_getsid(curproc(), i32(a.a[0]));
  return r.ok() ? r.value() : errno_of(r.error());
}
i64 linux_sys_setsid(const SyscallArgs&) {
  Result<i32> r = pgrp_setsid(curproc());
  return r.ok() ? r.value() : errno_of(r.error());
}

i64 linux_sys_kill(const SyscallArgs& a) {
  return syscall_result(kill1(curproc(), i32(a.a[0]), int(a.a[1])));
}

i64 linux_sys_getpid(const SyscallArgs&) { return curproc()->p_pid.value; }
i64 linux_sys_gettid(const SyscallArgs&) { return curlwp()->l_lid; }
i64 linux_sys_getppid(const SyscallArgs&) {
  Proc* p = curproc();
  // A tracee's parent is its real one, not the tracer (Linux's real_parent).
  if (syscall_traced_hint(p)) return ptrace_real_ppid(p);
  return __atomic_load_n(&p->p_ppid, __ATOMIC_RELAXED);
}
i64 linux_sys_getuid(const SyscallArgs&) { return proc_own_cred(curproc())->uid.value; }
i64 linux_sys_geteuid(const SyscallArgs&) { return proc_own_cred(curproc())->euid.value; }
i64 linux_sys_getgid(const SyscallArgs&) { return proc_own_cred(curproc())->gid; }
i64 linux_sys_getegid(const SyscallArgs&) { return proc_own_cred(curproc())->egid; }

i64 linux_sys_set_tid_address(const SyscallArgs& a) {
  curlwp()->emul_clear_child_tid = a.a[0];
  return curlwp()->l_lid;
}

struct LinuxRlimit {
  u64 cur, max;
};

Result<void> get_rlimit(unsigned res, LinuxRlimit& out) {
  if (res >= kRlimitCount) return Error::Inval;
  Proc* p = curproc();
  MutexGuard g(p->p_lock());
  out = {p->p_limit->limits[res].cur, p->p_limit->limits[res].max};
  return ok();
}

Result<void> set_rlimit(unsigned res, const LinuxRlimit& in) {
  if (res >= kRlimitCount) return Error::Inval;
  if (in.cur > in.max) return Error::Inval;
  // As Linux's do_prlimit: no descriptor limit past the largest table
  // (fs.nr_open there, kNrOpen here), whoever asks.
  if (res == kRlimitNofile && in.max > kNrOpen) return Error::Perm;
  Proc* p = curproc();
  {
    MutexGuard g(p->p_lock());
    if (in.max > p->p_limit->limits[res].max &&
        !kauth_authorize(p->p_cred, KauthAction::ProcessRlimitBypass))
      return Error::Perm;
    TRY(lim_privatize(&p->p_limit));  // copy-on-write: the change is ours
    p->p_limit->limits[res] = {in.cur, in.max};
  }
  if (res == kRlimitCpu) cputimer_rlimit_changed(p);  // SIGXCPU, SIGKILL
  return ok();
}

i64 linux_sys_getrlimit(const SyscallArgs& a) {
  LinuxRlimit r;
  Result<void> g = get_rlimit(unsigned(a.a[0]), r);
  if (!g.ok()) return errno_of(g.error());
  return syscall_result(copyout(a.a[1], &r, sizeof r));
}

i64 linux_sys_setrlimit(const SyscallArgs& a) {
  LinuxRlimit r;
  Result<void> c = copyin(&r, a.a[1], sizeof r);
  if (!c.ok()) return errno_of(c.error());
  return syscall_result(set_rlimit(unsigned(a.a[0]), r));
}

i64 linux_sys_prlimit64(const SyscallArgs& a) {
  if (a.a[0] != 0 && i32(a.a[0]) != curproc()->p_pid.value) return errno_of(Error::Srch);
  LinuxRlimit old;
  Result<void> g = get_rlimit(unsigned(a.a[1]), old);
  if (!g.ok()) return errno_of(g.error());
  if (a.a[2]) {
    LinuxRlimit n;
    Result<void> c = copyin(&n, a.a[2], sizeof n);
    if (!c.ok()) return errno_of(c.error());
    Result<void> s = set_rlimit(unsigned(a.a[1]), n);
    if (!s.ok()) return errno_of(s.error());
  }
  if (a.a[3]) return syscall_result(copyout(a.a[3], &old, sizeof old));
  return 0;
}

}  // namespace tine
