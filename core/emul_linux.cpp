// The Linux riscv64 emulation: the generic syscall numbers
// (asm-generic/unistd.h), each a thin shim that decodes registers and calls
// the semantics (STYLE.md: sys_fork -> fork1). Linux's clone sits here, as
// NetBSD's linux_sys_clone: it maps flags, refuses what the seed refuses,
// and does what glibc needs (CHILD_SETTID, CHILD_CLEARTID, PARENT_SETTID,
// SETTLS) in the emulation's fork hook and child return.
#include "core/emul.h"

#include "core/exec.h"
#include "core/exit.h"
#include "core/filedesc.h"
#include "core/heap.h"
#include "core/page_alloc.h"
#include "core/sched.h"
#include "core/sleepq.h"
#include "core/string.h"
#include "core/sys_file.h"
#include "core/syscall.h"
#include "core/uaccess.h"
#include "core/vm.h"
#include "fork/fork.h"
#include "hal/user.h"

namespace tine {

namespace {

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

void linux_lwp_exit(Lwp* l) {
  // CLONE_CHILD_CLEARTID: zero the word (no futex wake: Tine has no futex).
  if (l->emul_clear_child_tid && l->proc && l->proc->p_vmspace) {
    i32 zero = 0;
    (void)copyout(l->emul_clear_child_tid, &zero, sizeof zero);
  }
}

i64 sys_exit_group(const SyscallArgs& a) { exit1(curlwp(), int(a.a[0] & 0xff), 0); }

i64 sys_execve(const SyscallArgs& a) {
  return syscall_result(sys_execve_impl(curlwp(), a.a[0], a.a[1], a.a[2]));
}

i64 sys_wait4(const SyscallArgs& a) {
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

i64 sys_kill(const SyscallArgs& a) {
  return syscall_result(kill1(curproc(), i32(a.a[0]), int(a.a[1])));
}

i64 sys_getpid(const SyscallArgs&) { return curproc()->p_pid.value; }
i64 sys_gettid(const SyscallArgs&) { return curproc()->p_pid.value; }
i64 sys_getppid(const SyscallArgs&) {
  return __atomic_load_n(&curproc()->p_ppid, __ATOMIC_RELAXED);
}
i64 sys_getuid(const SyscallArgs&) { return curproc()->p_cred->uid.value; }
i64 sys_geteuid(const SyscallArgs&) { return curproc()->p_cred->euid.value; }
i64 sys_getgid(const SyscallArgs&) { return curproc()->p_cred->gid; }
i64 sys_getegid(const SyscallArgs&) { return curproc()->p_cred->egid; }

i64 sys_setuid(const SyscallArgs& a) {
  Proc* p = curproc();
  const Uid uid{u32(a.a[0])};
  MutexGuard g(p->p_lock());
  if (!(p->p_cred->uid == uid) && !kauth_authorize(p->p_cred, KauthAction::ProcessSetuid))
    return errno_of(Error::Perm);
  Result<Cred*> c = cred_copy_for_write(p->p_cred);
  if (!c.ok()) return errno_of(c.error());
  // The process now counts against the new uid (chgproccnt moves it).
  if (!(c.value()->uid == uid)) {
    (void)chgproccnt(c.value()->uid, -1);
    (void)chgproccnt(uid, 1);
  }
  c.value()->uid = c.value()->euid = uid;
  p->p_cred = c.value();
  p->p_flag |= PK_SUGID;
  return 0;
}

i64 sys_set_tid_address(const SyscallArgs& a) {
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

i64 sys_getrlimit(const SyscallArgs& a) {
  LinuxRlimit r;
  Result<void> g = get_rlimit(unsigned(a.a[0]), r);
  if (!g.ok()) return errno_of(g.error());
  return syscall_result(copyout(a.a[1], &r, sizeof r));
}

i64 sys_setrlimit(const SyscallArgs& a) {
  LinuxRlimit r;
  Result<void> c = copyin(&r, a.a[1], sizeof r);
  if (!c.ok()) return errno_of(c.error());
  return syscall_result(set_rlimit(unsigned(a.a[0]), r));
}

i64 sys_prlimit64(const SyscallArgs& a) {
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

i64 sys_uname(const SyscallArgs& a) {
  char u[6][65] = {};
  memcpy(u[0], "Tine", 5);
  memcpy(u[1], "tine", 5);
  memcpy(u[2], "0.1", 4);
  memcpy(u[3], "#1", 3);
  memcpy(u[4], "riscv64", 8);
  return syscall_result(copyout(a.a[0], u, sizeof u));
}

struct LinuxSysinfo {
  i64 uptime;
  u64 loads[3];
  u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
  u16 procs, pad;
  u32 pad2;
  u64 totalhigh, freehigh;
  u32 mem_unit;
  char reserved[4];
};

i64 sys_sysinfo(const SyscallArgs& a) {
  LinuxSysinfo si{};
  si.uptime = i64(hal::time_ns() / 1000000000u);
  PageAllocator& pa = page_allocator();
  // Exact: pages parked in hart caches and empty heap slabs are free too.
  heap_trim();
  pa.drain_caches();
  si.totalram = pa.total_pages() * kPageSize;
  si.freeram = pa.free_pages() * kPageSize;
  si.procs = u16(__atomic_load_n(&nprocs, __ATOMIC_RELAXED));
  si.mem_unit = 1;
  return syscall_result(copyout(a.a[0], &si, sizeof si));
}

struct LinuxTimespec {
  i64 sec, nsec;
};

i64 sys_clock_gettime(const SyscallArgs& a) {
  const u64 now = hal::time_ns();
  LinuxTimespec ts{i64(now / 1000000000u), i64(now % 1000000000u)};
  if (a.a[0] > 11) return errno_of(Error::Inval);
  return syscall_result(copyout(a.a[1], &ts, sizeof ts));
}

i64 sys_nanosleep(const SyscallArgs& a) {
  LinuxTimespec ts;
  Result<void> c = copyin(&ts, a.a[0], sizeof ts);
  if (!c.ok()) return errno_of(c.error());
  if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000) return errno_of(Error::Inval);
  const u64 until = hal::time_ns() + u64(ts.sec) * 1000000000u + u64(ts.nsec);
  // In slices, so that kill ends the sleep (EINTR) without waiting it out.
  while (hal::time_ns() < until) {
    if (sigpending_fatal()) return errno_of(Error::Intr);
    sleep_ns(min<u64>(until - hal::time_ns(), 10'000'000));
  }
  return 0;
}

i64 sys_sched_yield(const SyscallArgs&) {
  yield();
  return 0;
}

i64 sys_brk(const SyscallArgs& a) { return i64(vm_brk(curproc()->p_vmspace, a.a[0])); }

constexpr u64 kProtRead = 1, kProtWrite = 2, kProtExec = 4;
constexpr u64 kMapShared = 0x01, kMapPrivate = 0x02, kMapFixed = 0x10, kMapAnonymous = 0x20;

Prot prot_of(u64 p) {
  Prot r = Prot::User;
  if (p & kProtRead) r |= Prot::Read;
  if (p & kProtWrite) r |= Prot::Write | Prot::Read;
  if (p & kProtExec) r |= Prot::Exec;
  return r;
}

i64 sys_mmap(const SyscallArgs& a) {
  const uptr addr = a.a[0];
  const u64 len = a.a[1], prot = a.a[2], flags = a.a[3];
  if (len == 0 || (prot & ~(kProtRead | kProtWrite | kProtExec))) return errno_of(Error::Inval);
  if (!(flags & kMapAnonymous)) return errno_of(Error::NoDev);  // no file mappings yet
  const bool shared = flags & kMapShared;
  if (shared == bool(flags & kMapPrivate)) return errno_of(Error::Inval);
  if (!is_aligned(addr, kPageSize)) return errno_of(Error::Inval);
  Result<uptr> r = vm_map_anon(curproc()->p_vmspace, addr, align_up(len, kPageSize),
                               prot_of(prot), shared ? MapShare::Shared : MapShare::Private,
                               flags & kMapFixed);
  return syscall_result(r);
}

i64 sys_munmap(const SyscallArgs& a) {
  if (!is_aligned(a.a[0], kPageSize) || a.a[1] == 0) return errno_of(Error::Inval);
  return syscall_result(vm_unmap(curproc()->p_vmspace, a.a[0], align_up(a.a[1], kPageSize)));
}

i64 sys_mprotect(const SyscallArgs& a) {
  if (!is_aligned(a.a[0], kPageSize)) return errno_of(Error::Inval);
  return syscall_result(vm_protect(curproc()->p_vmspace, a.a[0], align_up(a.a[1], kPageSize),
                                   prot_of(a.a[2])));
}

// Signal actions are recorded (shared or copied across fork); handlers are
// not delivered yet (core/signal.cpp).
struct LinuxSigaction {
  u64 handler, flags, restorer, mask;
};

i64 sys_rt_sigaction(const SyscallArgs& a) {
  const int sig = int(a.a[0]);
  if (sig <= 0 || sig >= int(kNsig) || sig == kSigKill || sig == kSigStop)
    return errno_of(Error::Inval);
  Proc* p = curproc();
  LinuxSigaction old{};
  {
    MutexGuard g(p->p_lock());
    const SigAction& cur = p->p_sigacts->actions[sig];
    old = {cur.handler, cur.flags, 0, cur.mask};
  }
  if (a.a[1]) {
    LinuxSigaction n;
    Result<void> c = copyin(&n, a.a[1], sizeof n);
    if (!c.ok()) return errno_of(c.error());
    MutexGuard g(p->p_lock());
    p->p_sigacts->actions[sig] = {n.handler, n.flags, n.mask};
  }
  if (a.a[2]) return syscall_result(copyout(a.a[2], &old, sizeof old));
  return 0;
}

i64 sys_rt_sigprocmask(const SyscallArgs& a) {
  Lwp* l = curlwp();
  const u64 old = l->l_sigmask;
  if (a.a[1]) {
    u64 set;
    Result<void> c = copyin(&set, a.a[1], sizeof set);
    if (!c.ok()) return errno_of(c.error());
    set &= ~((u64(1) << (kSigKill - 1)) | (u64(1) << (kSigStop - 1)));
    switch (a.a[0]) {
      case 0: l->l_sigmask |= set; break;   // SIG_BLOCK
      case 1: l->l_sigmask &= ~set; break;  // SIG_UNBLOCK
      case 2: l->l_sigmask = set; break;    // SIG_SETMASK
      default: return errno_of(Error::Inval);
    }
  }
  if (a.a[2]) return syscall_result(copyout(a.a[2], &old, sizeof old));
  return 0;
}

i64 sys_zero(const SyscallArgs&) { return 0; }  // set_robust_list: nothing to do

i64 sys_getrandom(const SyscallArgs& a) {
  u8 buf[256];
  const size_t n = min<size_t>(a.a[1], sizeof buf);
  u64 x = hal::time_ns() * 0x9e3779b97f4a7c15ull + 1;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    buf[i] = u8(x);
  }
  return syscall_result(copyout(a.a[0], buf, n)) < 0 ? errno_of(Error::Fault) : i64(n);
}

// File syscalls: thin shims over core/sys_file.
i64 sys_read(const SyscallArgs& a) {
  return syscall_result(sys_read(curproc()->p_fd, int(a.a[0]), a.a[1], a.a[2]));
}
i64 sys_write(const SyscallArgs& a) {
  return syscall_result(sys_write(curproc()->p_fd, int(a.a[0]), a.a[1], a.a[2]));
}
i64 sys_writev(const SyscallArgs& a) {
  struct Iov {
    uptr base;
    u64 len;
  };
  i64 total = 0;
  for (u64 i = 0; i < a.a[2]; i++) {
    Iov v;
    Result<void> c = copyin(&v, a.a[1] + i * sizeof v, sizeof v);
    if (!c.ok()) return total ? total : errno_of(c.error());
    Result<size_t> w = sys_write(curproc()->p_fd, int(a.a[0]), v.base, v.len);
    if (!w.ok()) return total ? total : errno_of(w.error());
    total += i64(w.value());
    if (w.value() < v.len) break;
  }
  return total;
}
i64 sys_openat(const SyscallArgs& a) {
  Proc* p = curproc();
  return syscall_result(sys_openat(p->p_fd, int(a.a[0]), a.a[1], int(a.a[2]), int(a.a[3]),
                                   p->p_cwdi ? p->p_cwdi->path : nullptr));
}
i64 sys_close(const SyscallArgs& a) { return syscall_result(sys_close(curproc()->p_fd, int(a.a[0]))); }
i64 sys_dup(const SyscallArgs& a) { return syscall_result(sys_dup(curproc()->p_fd, int(a.a[0]))); }
i64 sys_dup3(const SyscallArgs& a) {
  return syscall_result(sys_dup3(curproc()->p_fd, int(a.a[0]), int(a.a[1]), int(a.a[2])));
}
i64 sys_pipe2(const SyscallArgs& a) {
  return syscall_result(sys_pipe2(curproc()->p_fd, a.a[0], int(a.a[1])));
}
i64 sys_ioctl(const SyscallArgs&) { return errno_of(Error::NotTty); }

constexpr unsigned kLinuxSyscalls = 300;

struct Table {
  SyscallFn fns[kLinuxSyscalls] = {};
  constexpr Table() {
    fns[23] = sys_dup;
    fns[24] = sys_dup3;
    fns[29] = sys_ioctl;
    fns[56] = sys_openat;
    fns[57] = sys_close;
    fns[59] = sys_pipe2;
    fns[63] = sys_read;
    fns[64] = sys_write;
    fns[66] = sys_writev;
    fns[93] = sys_exit_group;  // exit: one LWP per process, so the same
    fns[94] = sys_exit_group;
    fns[96] = sys_set_tid_address;
    fns[99] = sys_zero;        // set_robust_list
    fns[101] = sys_nanosleep;
    fns[113] = sys_clock_gettime;
    fns[124] = sys_sched_yield;
    fns[129] = sys_kill;
    fns[134] = sys_rt_sigaction;
    fns[135] = sys_rt_sigprocmask;
    fns[146] = sys_setuid;
    fns[160] = sys_uname;
    fns[163] = sys_getrlimit;
    fns[164] = sys_setrlimit;
    fns[172] = sys_getpid;
    fns[173] = sys_getppid;
    fns[174] = sys_getuid;
    fns[175] = sys_geteuid;
    fns[176] = sys_getgid;
    fns[177] = sys_getegid;
    fns[178] = sys_gettid;
    fns[179] = sys_sysinfo;
    fns[214] = sys_brk;
    fns[215] = sys_munmap;
    fns[220] = linux_clone;
    fns[221] = sys_execve;
    fns[222] = sys_mmap;
    fns[226] = sys_mprotect;
    fns[260] = sys_wait4;
    fns[261] = sys_prlimit64;
    fns[278] = sys_getrandom;
  }
};

constexpr Table kTable;

}  // namespace

const Emul emul_linux = {
    "linux",        kTable.fns,         kLinuxSyscalls,  linux_proc_fork,
    linux_child_return, nullptr,        linux_lwp_exit,
};

}  // namespace tine
