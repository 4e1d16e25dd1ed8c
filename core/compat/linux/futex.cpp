// Linux's futex(2) (kernel/futex/syscalls.c): decodes op and the timeout
// and calls the futex layer (core/proc/futex.h), in Linux's order of
// checks: the timeout (EFAULT, EINVAL), FUTEX_CLOCK_REALTIME on an op that
// has no clock (ENOSYS), then the op's own (ENOSYS for an unknown one).
#include "core/compat/linux/linux.h"

#include "core/compat/linux/abi_time.h"
#include "core/proc/futex.h"
#include "core/proc/futex_robust.h"
#include "core/proc/proc.h"
#include "core/proc/cred.h"
#include "core/proc/lwp_user.h"
#include "core/proc/syscall.h"
#include "core/sched/sched.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"
#include "core/vm/vm.h"
#include "hal/hal.h"

namespace tine {

namespace {

constexpr u32 kFutexWait = 0, kFutexWake = 1, kFutexRequeue = 3, kFutexCmpRequeue = 4,
              kFutexWakeOp = 5, kFutexLockPi = 6, kFutexWaitBitset = 9, kFutexWakeBitset = 10,
              kFutexWaitRequeuePi = 11, kFutexLockPi2 = 13;
constexpr u32 kFutexPrivateFlag = 128, kFutexClockRealtime = 256;
constexpr u32 kFutexCmdMask = ~(kFutexPrivateFlag | kFutexClockRealtime);
constexpr u64 kNs = 1000000000u;

bool cmd_has_timeout(u32 cmd) {
  return cmd == kFutexWait || cmd == kFutexLockPi || cmd == kFutexLockPi2 ||
         cmd == kFutexWaitBitset || cmd == kFutexWaitRequeuePi;
}

// base + ts in guest ns, saturating (Linux's ktime_add_safe).
u64 add_safe(u64 base, const LinuxTimespec& ts) {
  const u64 max = kFutexForever - 1;
  if (u64(ts.sec) > (max - base) / kNs - 1) return max;
  return base + u64(ts.sec) * kNs + u64(ts.nsec);
}

i64 wait_restart(u64 a, u64 deadline);

// A wait, and its restart block when a signal ends a timed one: after a
// handler the call fails with EINTR, otherwise (a stop, an ignored
// signal) restart_syscall goes on to the same deadline, as Linux's
// futex_wait_restart. An untimed wait is simply restarted (ERESTARTSYS).
i64 wait(uptr uaddr, bool shared, u32 val, u32 bitset, u64 deadline) {
  const Result<void> r = futex_wait(curvm(), uaddr, shared, val, bitset, deadline);
  if (r.ok()) return 0;
  if (r.error() != Error::Intr || deadline == kFutexForever) return errno_of(r.error());
  curlwp()->emul_futex_restart = u64(val) | u64(bitset) << 32;
  syscall_set_restart_block(wait_restart, uaddr | (shared ? 1 : 0), deadline);
  return errno_of(Error::RestartBlock);
}

// The restart block's words: the address with bit 0 for "shared" (the
// address is 4-aligned, else the wait never slept), and the deadline.
i64 wait_restart(u64 a, u64 deadline) {
  const u64 vb = curlwp()->emul_futex_restart;
  return wait(uptr(a & ~u64(1)), a & 1, u32(vb), u32(vb >> 32), deadline);
}

}  // namespace

// futex(uaddr, op, val, timeout or val2, uaddr2, val3).
i64 linux_sys_futex(const SyscallArgs& a) {
  const uptr uaddr = a.a[0];
  const u32 op = u32(a.a[1]);
  const u32 val = u32(a.a[2]);
  const uptr utime = a.a[3];
  const uptr uaddr2 = a.a[4];
  const u32 val3 = u32(a.a[5]);
  const u32 cmd = op & kFutexCmdMask;
  const bool shared = !(op & kFutexPrivateFlag);
  u64 deadline = kFutexForever;
  if (utime && cmd_has_timeout(cmd)) {
    LinuxTimespec ts;
    if (Result<void> r = copyin(&ts, utime, sizeof ts); !r.ok()) return errno_of(r.error());
    if (ts.sec < 0 || u64(ts.nsec) >= kNs) return errno_of(Error::Inval);
    // FUTEX_WAIT's timeout is relative (on CLOCK_MONOTONIC), the others'
    // absolute. CLOCK_REALTIME is CLOCK_MONOTONIC in Tine (system.cpp:
    // the realtime offset is 0), so both clocks read the one guest time.
    deadline = add_safe(cmd == kFutexWait ? hal::time_ns() : 0, ts);
  }
  if ((op & kFutexClockRealtime) && cmd != kFutexWaitBitset && cmd != kFutexWaitRequeuePi &&
      cmd != kFutexLockPi2)
    return errno_of(Error::NoSys);
  VmSpace* vs = curvm();
  // REQUEUE and CMP_REQUEUE take their second count from the timeout's
  // register (Linux: (u32)utime, then as an int).
  const int val2 = int(u32(utime));
  switch (cmd) {
    case kFutexWait: return wait(uaddr, shared, val, kFutexBitsetAny, deadline);
    case kFutexWaitBitset: return wait(uaddr, shared, val, val3, deadline);
    case kFutexWake:
      return syscall_result(futex_wake(vs, uaddr, shared, int(val), kFutexBitsetAny));
    case kFutexWakeBitset: return syscall_result(futex_wake(vs, uaddr, shared, int(val), val3));
    case kFutexRequeue:
      return syscall_result(futex_requeue(vs, uaddr, uaddr2, shared, int(val), val2, nullptr));
    case kFutexCmpRequeue:
      return syscall_result(futex_requeue(vs, uaddr, uaddr2, shared, int(val), val2, &val3));
    case kFutexWakeOp:
      return syscall_result(futex_wake_op(vs, uaddr, uaddr2, shared, int(val), val2, val3));
    default:
      // The PI ops, FUTEX_FD (gone since 2.6.26) and unknown ones.
      return errno_of(Error::NoSys);
  }
}

namespace {
// struct futex_waitv (uapi/linux/futex.h).
struct LinuxFutexWaitv {
  u64 val, uaddr;
  u32 flags, reserved;
};
constexpr u32 kFutex2SizeMask = 0x3, kFutex2SizeU32 = 0x2, kFutex2Private = 128;
constexpr int kClockRealtime = 0, kClockMonotonic = 1;
}  // namespace

// futex_waitv(waiters, nr_futexes, flags, timeout, clockid), in Linux's
// order of checks (kernel/futex/syscalls.c): flags, the count and array
// pointer, the clock and the absolute timeout, then each entry (EFAULT,
// unknown flags or __reserved, a size other than 32 bits, a value wider
// than it: EINVAL), then the words themselves (futex_key). Both clocks
// read the one guest time (CLOCK_REALTIME's offset is 0, as in futex()).
// A signal restarts the call (ERESTARTSYS): the deadline is absolute.
i64 linux_sys_futex_waitv(const SyscallArgs& a) {
  const uptr uwaitv = a.a[0];
  const u32 nr = u32(a.a[1]);
  const u32 flags = u32(a.a[2]);
  const uptr utime = a.a[3];
  const int clockid = int(a.a[4]);
  if (flags) return errno_of(Error::Inval);
  if (nr == 0 || nr > kFutexWaitvMax || !uwaitv) return errno_of(Error::Inval);
  u64 deadline = kFutexForever;
  if (utime) {
    if (clockid != kClockRealtime && clockid != kClockMonotonic) return errno_of(Error::Inval);
    LinuxTimespec ts;
    if (Result<void> r = copyin(&ts, utime, sizeof ts); !r.ok()) return errno_of(r.error());
    if (ts.sec < 0 || u64(ts.nsec) >= kNs) return errno_of(Error::Inval);
    deadline = add_safe(0, ts);
  }
  // 2 KiB for 128 words: the heap, not the 16 KiB kernel stack.
  auto* words = static_cast<FutexWaitvWord*>(kmalloc(sizeof(FutexWaitvWord) * nr));
  if (!words) return errno_of(Error::NoMem);
  i64 ret = 0;
  for (u32 i = 0; i < nr && ret == 0; ++i) {
    LinuxFutexWaitv w;
    if (Result<void> r = copyin(&w, uwaitv + i * sizeof w, sizeof w); !r.ok())
      ret = errno_of(r.error());
    else if ((w.flags & ~(kFutex2SizeMask | kFutex2Private)) || w.reserved)
      ret = errno_of(Error::Inval);
    else if ((w.flags & kFutex2SizeMask) != kFutex2SizeU32 || (w.val >> 32))
      ret = errno_of(Error::Inval);
    else
      words[i] = {uptr(w.uaddr), u32(w.val), !(w.flags & kFutex2Private)};
  }
  if (ret == 0) ret = syscall_result(futex_waitv(curvm(), words, nr, deadline));
  kfree(words);
  return ret;
}

// set_robust_list(head, len): the one size Linux knows, else EINVAL. The
// head is not looked at until the thread dies.
i64 linux_sys_set_robust_list(const SyscallArgs& a) {
  if (a.a[1] != kRobustListHeadSize) return errno_of(Error::Inval);
  curlwp()->emul_robust_list = a.a[0];
  return 0;
}

// get_robust_list(tid, head_ptr, len_ptr): tid 0 is the caller; another
// thread's needs the right to trace its process (Linux: ptrace_may_access,
// EPERM), and a tid nobody has is ESRCH.
i64 linux_sys_get_robust_list(const SyscallArgs& a) {
  const i32 tid = i32(a.a[0]);
  uptr head = 0;
  if (tid == 0) {
    head = curlwp()->emul_robust_list;
  } else {
    Proc* self = curproc();
    MutexGuard g(proc_lock);
    Lwp* l = nullptr;
    Proc* target = nullptr;
    for (Proc* p : allproc) {
      if (p->p_stat != ProcStat::SACTIVE && p->p_stat != ProcStat::SSTOP) continue;
      MutexGuard pg(p->p_lock());
      if ((l = lwp_find_locked(p, tid))) {
        target = p;
        head = l->emul_robust_list;
        break;
      }
    }
    if (!l) return errno_of(Error::Srch);
    if (target != self) {
      MutexGuard tg(target->p_lock());
      if (!kauth_authorize(proc_own_cred(self), KauthAction::ProcessPtrace, target->p_cred))
        return errno_of(Error::Perm);
    }
  }
  const u64 len = kRobustListHeadSize;
  if (Result<void> r = copyout(a.a[2], &len, sizeof len); !r.ok()) return errno_of(r.error());
  return syscall_result(copyout(a.a[1], &head, sizeof head));
}

// The LWP's futex state at its end (linux_lwp_exit): its robust list, as
// Linux's futex_exit_release.
void linux_futex_lwp_exit(Lwp* l) {
  const uptr head = l->emul_robust_list;
  l->emul_robust_list = 0;
  if (head && l->proc && l->proc->p_vmspace)
    futex_exit_robust_list(l->proc->p_vmspace, head, l->l_lid);
}

}  // namespace tine
