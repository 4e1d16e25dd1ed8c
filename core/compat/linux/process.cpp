// Linux process syscalls: clone (as NetBSD's linux_sys_clone: it maps
// flags, refuses what the seed refuses, and does what glibc needs --
// CHILD_SETTID, CHILD_CLEARTID, PARENT_SETTID, SETTLS -- in the emulation's
// fork hook and child return), exit, exec, wait, kill, ids and limits.
#include "core/compat/linux/linux.h"

#include "core/proc/exec.h"
#include "core/proc/exit.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"
#include "core/vm/vm.h"
#include "fork/fork.h"
#include "hal/user.h"

namespace tine {

// Linux clone flags beyond the seed's (fork/sys_fork.cpp has those).
constexpr u64 CLONE_PARENT = 0x00008000;
constexpr u64 CLONE_THREAD = 0x00010000;
constexpr u64 CLONE_NEWNS = 0x00020000;
constexpr u64 CLONE_SYSVSEM = 0x00040000;
constexpr u64 CLONE_SETTLS = 0x00080000;
constexpr u64 CLONE_PARENT_SETTID = 0x00100000;
constexpr u64 CLONE_CHILD_CLEARTID = 0x00200000;
constexpr u64 CLONE_DETACHED = 0x00400000;
constexpr u64 CLONE_UNTRACED = 0x00800000;
constexpr u64 CLONE_CHILD_SETTID = 0x01000000;
// Namespaces and the rest: refused (EINVAL), Tine has none of them.
constexpr u64 kCloneKnown = 0xff | 0x100 | 0x200 | 0x400 | 0x800 | 0x1000 | 0x2000 |
                            0x4000 | CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM |
                            CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |
                            CLONE_DETACHED | CLONE_UNTRACED | CLONE_CHILD_SETTID;

i64 linux_clone(const SyscallArgs& a) {
  const u64 flags = a.a[0];
  const uptr newsp = a.a[1], parent_tid = a.a[2], tls = a.a[3], child_tid = a.a[4];
  // Threads are not supported yet: CLONE_THREAD is refused, as are clone
  // flags Tine has no notion of (namespaces, CLONE_PARENT).
  if ((flags & CLONE_THREAD) || (flags & CLONE_PARENT) || (flags & ~kCloneKnown))
    return errno_of(Error::Inval);
  (void)CLONE_NEWNS;
  Result<CloneMapping> m = clone_flags_to_fork(flags);
  if (!m.ok()) return errno_of(m.error());
  Lwp* l1 = curlwp();
  // Handed to the emulation's fork hook through the parent LWP.
  l1->emul_clone_flags = flags;
  l1->emul_clone_child_tid = child_tid;
  l1->emul_clone_tls = tls;
  i64 retval[2];
  Result<void> r = fork1(l1, m.value().fork_flags, m.value().exitsig, newsp, 0, nullptr,
                         nullptr, retval, nullptr);
  l1->emul_clone_flags = 0;
  if (!r.ok()) return errno_of(r.error());
  if (flags & CLONE_PARENT_SETTID) {
    i32 tid = i32(retval[0]);
    (void)copyout(parent_tid, &tid, sizeof tid);
  }
  return retval[0];
}

void linux_proc_fork(Proc*, Lwp* l2, Lwp* l1, int) {
  const u64 flags = l1->emul_clone_flags;
  if (flags & CLONE_SETTLS) {
    hal::user_frame_set_tls(hal::user_frame_of(l2->stack), l1->emul_clone_tls);
    l2->l_private = l1->emul_clone_tls;
  }
  if (flags & CLONE_CHILD_SETTID) l2->emul_set_child_tid = l1->emul_clone_child_tid;
  if (flags & CLONE_CHILD_CLEARTID) l2->emul_clear_child_tid = l1->emul_clone_child_tid;
}

void linux_child_return(Lwp* l2) {
  if (l2->emul_set_child_tid) {
    i32 tid = l2->proc->p_pid.value;
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
  }
}

void linux_lwp_exit(Lwp* l) {
  // CLONE_CHILD_CLEARTID: zero the word (no futex wake: Tine has no futex).
  if (l->emul_clear_child_tid && l->proc && l->proc->p_vmspace) {
    i32 zero = 0;
    (void)copyout(l->emul_clear_child_tid, &zero, sizeof zero);
  }
}

i64 linux_sys_exit_group(const SyscallArgs& a) { exit1(curlwp(), int(a.a[0] & 0xff), 0); }

i64 linux_sys_execve(const SyscallArgs& a) {
  return syscall_result(sys_execve_impl(curlwp(), a.a[0], a.a[1], a.a[2]));
}

i64 linux_sys_wait4(const SyscallArgs& a) {
  int status = 0;
  const int options = int(a.a[2]);
  if (options & ~(kWaitNoHang | kWaitUntraced | kWaitClone | kWaitAll | 8 /*WCONTINUED*/))
    return errno_of(Error::Inval);
  Result<i64> r = do_wait4(curproc(), i32(a.a[0]), options, &status);
  if (!r.ok()) return errno_of(r.error());
  if (r.value() > 0 && a.a[1]) {
    Result<void> c = copyout(a.a[1], &status, sizeof status);
    if (!c.ok()) return errno_of(c.error());
  }
  return r.value();
}

i64 linux_sys_kill(const SyscallArgs& a) {
  return syscall_result(kill1(curproc(), i32(a.a[0]), int(a.a[1])));
}

i64 linux_sys_getpid(const SyscallArgs&) { return curproc()->p_pid.value; }
i64 linux_sys_gettid(const SyscallArgs&) { return curproc()->p_pid.value; }
i64 linux_sys_getppid(const SyscallArgs&) {
  return __atomic_load_n(&curproc()->p_ppid, __ATOMIC_RELAXED);
}
i64 linux_sys_getuid(const SyscallArgs&) { return curproc()->p_cred->uid.value; }
i64 linux_sys_geteuid(const SyscallArgs&) { return curproc()->p_cred->euid.value; }
i64 linux_sys_getgid(const SyscallArgs&) { return curproc()->p_cred->gid; }
i64 linux_sys_getegid(const SyscallArgs&) { return curproc()->p_cred->egid; }

i64 linux_sys_setuid(const SyscallArgs& a) {
  Proc* p = curproc();
  const Uid uid{u32(a.a[0])};
  MutexGuard g(p->p_lock());
  if (!(p->p_cred->uid == uid) && !kauth_authorize(p->p_cred, KauthAction::ProcessSetuid))
    return errno_of(Error::Perm);
  // The process now counts against the new uid (chgproccnt moves it). The
  // new uid's count is raised first: it fails (EAGAIN) when the per-uid
  // table is full, and then nothing has changed.
  const Uid old_uid = p->p_cred->uid;
  const bool moves = !(old_uid == uid);
  if (moves) {
    Result<i64> n = chgproccnt_inc(uid);
    if (!n.ok()) return errno_of(n.error());
  }
  Result<Cred*> c = cred_copy_for_write(p->p_cred);
  if (!c.ok()) {
    if (moves) (void)chgproccnt(uid, -1);
    return errno_of(c.error());
  }
  if (moves) (void)chgproccnt(old_uid, -1);
  c.value()->uid = c.value()->euid = uid;
  p->p_cred = c.value();
  p->p_flag |= PK_SUGID;
  return 0;
}

i64 linux_sys_set_tid_address(const SyscallArgs& a) {
  curlwp()->emul_clear_child_tid = a.a[0];
  return curproc()->p_pid.value;
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
  Proc* p = curproc();
  MutexGuard g(p->p_lock());
  if (in.max > p->p_limit->limits[res].max &&
      !kauth_authorize(p->p_cred, KauthAction::ProcessRlimitBypass))
    return Error::Perm;
  TRY(lim_privatize(&p->p_limit));  // copy-on-write: the change is ours
  p->p_limit->limits[res] = {in.cur, in.max};
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
