// clone(2) and clone3(2) (as NetBSD's linux_sys_clone: decode, then go
// through the seed's doors, or make an LWP for CLONE_THREAD).
#include "core/compat/linux/linux.h"

#include "core/proc/clone.h"
#include "core/proc/fork_doors.h"
#include "core/proc/lwp_user.h"
#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"
#include "hal/user.h"

namespace tine {

namespace {
// What the emulation handles itself, on top of the seed's flags.
constexpr u64 kCloneEmulFlags = kCloneSettls | kCloneParentSettid | kCloneChildCleartid |
                                kCloneChildSettid | kCloneDetached | kCloneUntraced |
                                kCloneSysvsem;
// Flags Tine has no notion of (namespaces) are refused. CLONE_PARENT goes
// through the clone door (fork1's FORK_SIBLING).
constexpr u64 kCloneKnown =
    kCloneSeedFlags | kCloneEmulFlags | kCloneThread | kCloneClearSighand | kCloneParent;

// CLONE_THREAD: a new LWP in this process (NetBSD's linux_clone_nptl, by
// lwp_create), checked as Linux's copy_process checks: a thread shares
// the signal actions, which need the address space shared. Its exit
// signal is ignored, as on Linux. The descriptor table and the cwdinfo
// are per LWP, as Linux's files and fs are per task: shared with the
// caller under CLONE_FILES and CLONE_FS, else the thread's own copies of
// the caller's (lwp_create_user). CLONE_VFORK with CLONE_THREAD is
// refused with EINVAL (Linux would let the caller wait for the thread;
// no libc asks for it).
i64 clone_thread(Lwp* l1, u64 flags, uptr newsp, uptr parent_tid, uptr tls, uptr child_tid) {
  if (!(flags & kCloneSighand) || !(flags & kCloneVm)) return errno_of(Error::Inval);
  if (flags & kCloneVfork) return errno_of(Error::Inval);
  const hal::UserFrame* f = hal::user_frame_of(l1->stack);
  const int share = ((flags & kCloneFiles) ? LWP_SHAREFILES : 0) |
                    ((flags & kCloneFs) ? LWP_SHARECWD : 0);
  Result<Lwp*> made =
      lwp_create_user(l1, newsp, (flags & kCloneSettls) ? tls : hal::user_frame_tls(f), share);
  if (!made.ok()) return errno_of(made.error());
  Lwp* l2 = made.value();
  linux_sched_fork(l2, l1);  // affinity, nice, policy: a thread's too
  if (flags & kCloneChildSettid) l2->emul_set_child_tid = child_tid;
  if (flags & kCloneChildCleartid) l2->emul_clear_child_tid = child_tid;
  const i32 tid = l2->l_lid;
  // Before the thread can run, as Linux; a fault is ignored, as there.
  if (flags & kCloneParentSettid) (void)copyout(parent_tid, &tid, sizeof tid);
  sched_setrunnable(l2);
  return tid;
}
}  // namespace

// Picks the seed's door for clone's flags (those of kCloneSeedFlags) and
// calls it:
//   SIGCHLD and nothing else            -> sys_fork       (glibc's fork)
//   CLONE_VFORK|SIGCHLD                 -> sys_vfork      (4.4BSD vfork)
//   CLONE_VM|CLONE_VFORK|SIGCHLD        -> sys___vfork14  (glibc's vfork)
//   anything else, or a stack of its own -> sys___clone   (the one mapping)
// A new stack equal to the caller's own sp is no new stack (glibc's vfork
// passes sp). The emulation's flags ride along on the parent LWP
// (emul_clone_*), where its fork hook, which fork1 calls before the child
// can run, finds them; they are cleared again when the door returns.
namespace {
// Bit 0x1000 (Linux's CLONE_PIDFD) goes on to the seed as CLONE_PID,
// which it refuses: EINVAL (DESIGN.md, "User ABI": the seed wins).
i64 clone1(u64 flags, uptr newsp, uptr parent_tid, uptr tls, uptr child_tid) {
  if (flags & ~kCloneKnown) return errno_of(Error::Inval);
  Lwp* l1 = curlwp();
  if (flags & kCloneThread) return clone_thread(l1, flags, newsp, parent_tid, tls, child_tid);
  const u64 seed = flags & kCloneSeedFlags;
  const bool own_stack =
      newsp == 0 || newsp == hal::user_frame_sp(hal::user_frame_of(l1->stack));
  const ForkDoors& doors = fork_doors();
  SyscallFn door = doors.clone;
  if (flags & kCloneParent) {
    // Only the clone door maps it.
  } else if (own_stack && seed == u64(kSigChld)) {
    door = doors.fork;
  } else if (own_stack && seed == (kCloneVfork | kSigChld)) {
    door = doors.vfork;
  } else if (own_stack && seed == (kCloneVm | kCloneVfork | kSigChld)) {
    door = doors.vfork14;
  }
  l1->emul_clone_flags = flags;
  l1->emul_clone_child_tid = child_tid;
  l1->emul_clone_parent_tid = parent_tid;
  l1->emul_clone_tls = tls;
  const SyscallArgs door_args{{seed | (flags & kCloneParent), own_stack ? 0 : newsp, 0, 0, 0, 0}};
  const i64 r = door(door_args);
  l1->emul_clone_flags = 0;
  return r;
}
}  // namespace

i64 linux_clone(const SyscallArgs& a) {
  // riscv's order: flags, newsp, parent_tid, tls, child_tid.
  return clone1(a.a[0], a.a[1], a.a[2], a.a[3], a.a[4]);
}

// clone3(args, size), checked as Linux 6.12's copy_clone_args_from_user
// and clone3_args_valid, in their order:
//   size below the first version (64) EINVAL, above a page E2BIG, bytes
//   past the struct Tine knows must be zero (E2BIG), EFAULT to read it;
//   set_tid_size above 32, or set_tid and its size not both given or both
//   not, EINVAL; an exit signal outside CSIGNAL or not a signal, EINVAL;
//   flags beyond the 32 legacy ones but CLEAR_SIGHAND and INTO_CGROUP,
//   CLONE_DETACHED or CSIGNAL bits in flags, CLEAR_SIGHAND with SIGHAND,
//   an exit signal with CLONE_THREAD or CLONE_PARENT, a stack without a
//   size or a size without a stack: EINVAL.
// Then what clone does, with the stack's top (stack + stack_size: the
// stack grows down). Not provided, as namespaces are not:
// set_tid (EINVAL here; Linux needs CAP_CHECKPOINT_RESTORE and honours
// it) and CLONE_INTO_CGROUP (EINVAL).
namespace {
struct LinuxCloneArgs {
  u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
      set_tid_size, cgroup;
};
static_assert(sizeof(LinuxCloneArgs) == 88);
constexpr u64 kCloneArgsSizeVer0 = 64;
constexpr u64 kCloneLegacyFlags = 0xffffffffull;
constexpr u64 kCloneIntoCgroup = 0x200000000ull;
constexpr u64 kMaxPidNsLevel = 32;
}  // namespace

i64 linux_sys_clone3(const SyscallArgs& a) {
  const uptr uargs = a.a[0];
  const u64 size = a.a[1];
  if (size > kPageSize) return errno_of(Error::TooBig);
  if (size < kCloneArgsSizeVer0) return errno_of(Error::Inval);
  LinuxCloneArgs args{};
  const u64 known = size < sizeof args ? size : sizeof args;
  Result<void> c = copyin(&args, uargs, known);
  if (!c.ok()) return errno_of(c.error());
  for (u64 off = sizeof args; off < size; off++) {
    u8 b;
    Result<void> cb = copyin(&b, uargs + off, 1);
    if (!cb.ok()) return errno_of(cb.error());
    if (b) return errno_of(Error::TooBig);
  }
  if (args.set_tid_size > kMaxPidNsLevel) return errno_of(Error::Inval);
  if (!args.set_tid && args.set_tid_size > 0) return errno_of(Error::Inval);
  if (args.set_tid && args.set_tid_size == 0) return errno_of(Error::Inval);
  if ((args.exit_signal & ~kCloneCsignal) || args.exit_signal >= kNsig)
    return errno_of(Error::Inval);
  const u64 flags = args.flags;
  if (flags & ~(kCloneLegacyFlags | kCloneClearSighand | kCloneIntoCgroup))
    return errno_of(Error::Inval);
  if (flags & (kCloneDetached | kCloneCsignal)) return errno_of(Error::Inval);
  if ((flags & kCloneSighand) && (flags & kCloneClearSighand)) return errno_of(Error::Inval);
  if ((flags & (kCloneThread | kCloneParent)) && args.exit_signal) return errno_of(Error::Inval);
  if ((args.stack == 0) != (args.stack_size == 0)) return errno_of(Error::Inval);
  if (args.set_tid || (flags & kCloneIntoCgroup)) return errno_of(Error::Inval);
  const uptr top = args.stack ? args.stack + args.stack_size : 0;
  if (args.stack && top < args.stack) return errno_of(Error::Inval);  // access_ok
  return clone1(flags | args.exit_signal, top, args.parent_tid, args.tls, args.child_tid);
}

// unshare(2), as Linux's ksys_unshare: CLONE_VM implies CLONE_SIGHAND,
// which implies CLONE_THREAD; those three are EINVAL unless nothing shares
// what they name (this process has one LWP; its signal actions are its
// own), and then there is nothing to do. CLONE_FILES and CLONE_FS give the
// calling LWP a table or cwdinfo of its own (lwp_unshare_files): another
// thread's or process's stay as they were. CLONE_SYSVSEM: Tine has no
// System V semaphore undo lists, so nothing to unshare. Namespaces, which
// Tine has not, are EINVAL (as clone refuses them); Linux would make one.
// Not checked: a CLONE_VM sharer that is another process (Linux: EINVAL).
i64 linux_sys_unshare(const SyscallArgs& a) {
  u64 flags = a.a[0];
  if (flags & kCloneVm) flags |= kCloneSighand;
  if (flags & kCloneSighand) flags |= kCloneThread;
  if (flags & ~(kCloneThread | kCloneVm | kCloneSighand | kCloneFiles | kCloneFs | kCloneSysvsem))
    return errno_of(Error::Inval);
  Lwp* l = curlwp();
  Proc* p = l->proc;
  if (flags & kCloneThread) {
    MutexGuard g(p->p_lock());
    if (p->p_nlwps > 1) return errno_of(Error::Inval);
    if ((flags & kCloneSighand) && p->p_sigacts->refs.count() > 1) return errno_of(Error::Inval);
  }
  const int which =
      ((flags & kCloneFiles) ? LWP_SHAREFILES : 0) | ((flags & kCloneFs) ? LWP_SHARECWD : 0);
  if (which) {
    Result<void> r = lwp_unshare_files(l, which);
    if (!r.ok()) return errno_of(r.error());
  }
  return 0;
}

}  // namespace tine
