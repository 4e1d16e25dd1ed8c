// Linux's scheduling syscalls (kernel/sched/syscalls.c, kernel/sys.c):
// CPU affinity, policy and parameters, and nice values, with Linux 6.12's
// checks and errno in its order.
//
// What Tine does with them: an affinity set that is not every online hart
// pins the LWP to one hart of the set (the one it runs on, if allowed,
// else the lowest), as Tine's scheduler pins to one hart or none; the set
// itself is kept and reported back. Policies: SCHED_FIFO and SCHED_RR are
// Tine's real-time classes (core/sched/sched.h) at their priority 1..99;
// SCHED_OTHER, SCHED_BATCH and SCHED_IDLE all run in the time-sharing
// class (BATCH and IDLE are kept and reported, a hint here). Permission as
// Linux's user_check_sched_setscheduler: root (CAP_SYS_NICE) may set any;
// others a real-time policy within the target's RLIMIT_RTPRIO (default 0:
// EPERM). Nice values are kept and reported (Linux's 20 - nice encoding),
// and do not change Tine's round robin yet.
//
// Linux acts on a thread (a tid, 0: the caller); the PRIO_PGRP and
// PRIO_USER forms on every thread of the matching processes.
#include "core/compat/linux/linux.h"

#include "core/proc/lwp_user.h"
#include "core/proc/proc.h"
#include "core/proc/pgrp.h"
#include "core/proc/plimit.h"
#include "core/sched/sched.h"
#include "core/sync/sleepq.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

namespace {
// Linux's cpumask_size() with riscv64 defconfig's NR_CPUS (64): what
// sched_getaffinity copies out at most and reads at least.
constexpr u64 kCpumaskBytes = 8;
constexpr int kSchedOther = 0, kSchedFifo = 1, kSchedRr = 2, kSchedBatch = 3, kSchedIdle = 5,
              kSchedDeadline = 6, kSchedExt = 7;
constexpr int kSchedResetOnFork = 0x40000000;
constexpr u8 kPolicyResetOnFork = 0x80;  // in Lwp::l_policy, beside the policy
constexpr int kPrioProcess = 0, kPrioPgrp = 1, kPrioUser = 2;

u64 online_mask() {
  const unsigned n = hal::online_cpus();
  return n >= 64 ? ~u64(0) : (u64(1) << n) - 1;
}

u64 affinity_of(const Lwp* l) {
  const u64 a = __atomic_load_n(&l->l_affinity, __ATOMIC_RELAXED);
  return (a ? a : ~u64(0)) & online_mask();
}

// The thread `tid` names (0: the caller) and its process, under proc_lock
// (which keeps both from being freed); false: ESRCH. A tid is a pid, or
// the id of a further LWP of some process.
struct Target {
  Proc* p = nullptr;
  Lwp* l = nullptr;
};
bool find_thread_locked(i32 tid, Target& t) REQUIRES(proc_lock) {
  if (tid == 0) {
    t = {curproc(), curlwp()};
    return true;
  }
  if (tid < 0) return false;
  auto in = [&](Proc* p) REQUIRES(proc_lock) {
    MutexGuard g(p->p_lock());
    Lwp* l = lwp_find_locked(p, tid);
    if (!l && p->p_pid.value == tid) l = p->p_lwp;  // a zombie keeps its last LWP
    if (l) t = {p, l};
    return l != nullptr;
  };
  if (Proc* p = proc_find_locked(Pid{tid}); p && in(p)) return true;
  for (Proc* p : allproc)
    if (in(p)) return true;
  return false;
}

// check_same_owner, or root (CAP_SYS_NICE): may the caller change q's
// scheduling? (Linux: EPERM otherwise.)
bool may_change_locked(Proc* q) REQUIRES(q->p_lockobj->mutex) {
  const Cred* me = proc_own_cred(curproc());
  if (me->euid == kRootUid || q == curproc()) return true;
  const Cred* c = q->p_cred;
  return me->euid == c->uid || me->euid == c->euid;
}
bool may_change(Proc* q) REQUIRES(proc_lock) {
  MutexGuard g(q->p_lock());
  return may_change_locked(q);
}

// Sets l's allowed harts to `mask` (online bits only, non-empty). The
// caller, if it is l and now on a hart it may not use, moves: a short
// sleep wakes it on its pinned hart (sched_setrunnable places it there).
void set_affinity(Lwp* l, u64 mask) {
  const bool all = mask == online_mask();
  int pin = -1;
  if (!all) {
    const unsigned now = l->cpu;
    pin = int(now);
    if (!((mask >> now) & 1))
      for (pin = 0; !((mask >> pin) & 1); pin++) {
      }
  }
  __atomic_store_n(&l->l_affinity, all ? u64(0) : mask, __ATOMIC_RELAXED);
  __atomic_store_n(&l->pinned, pin, __ATOMIC_RELAXED);
}
}  // namespace

// Called by the emulation's fork hook: a child inherits its parent's
// scheduling attributes (Linux's sched_fork copies the task's; the class
// and real-time priority fork1 or lwp_create_user copied already).
// With SCHED_RESET_ON_FORK the child loses the flag, a real-time policy
// (back to SCHED_OTHER) and a negative nice, as sched_fork.
void linux_sched_fork(Lwp* l2, const Lwp* l1) {
  l2->l_affinity = __atomic_load_n(&l1->l_affinity, __ATOMIC_RELAXED);
  l2->l_nice = __atomic_load_n(&l1->l_nice, __ATOMIC_RELAXED);
  l2->l_policy = __atomic_load_n(&l1->l_policy, __ATOMIC_RELAXED);
  l2->l_no_new_privs = l1->l_no_new_privs;  // prctl.cpp's, inherited alike
  if (l2->l_policy & kPolicyResetOnFork) {
    l2->l_policy &= u8(~kPolicyResetOnFork);
    if (l2->l_policy == kSchedFifo || l2->l_policy == kSchedRr) {
      l2->l_policy = kSchedOther;
      sched_set_class(l2, SchedClass::Other, 0);
    }
    if (l2->l_nice < 0) l2->l_nice = 0;
  }
  if (l2->l_affinity) l2->pinned = __atomic_load_n(&l1->pinned, __ATOMIC_RELAXED);
}

// sched_getaffinity(pid, len, mask): the length in bits must cover every
// possible CPU and be a multiple of a long; returns the bytes written.
i64 linux_sys_sched_getaffinity(const SyscallArgs& a) {
  const i32 pid = i32(a.a[0]);
  const u64 len = a.a[1];
  if (len * 8 < hal::online_cpus() || (len & (sizeof(u64) - 1))) return errno_of(Error::Inval);
  u64 mask;
  {
    MutexGuard g(proc_lock);
    Target t;
    if (!find_thread_locked(pid, t)) return errno_of(Error::Srch);
    mask = affinity_of(t.l);
  }
  const u64 n = min(len, kCpumaskBytes);
  Result<void> r = copyout(a.a[2], &mask, size_t(n));
  return r.ok() ? i64(n) : errno_of(r.error());
}

// sched_setaffinity(pid, len, mask): a shorter mask than Linux's reads as
// empty, a longer one is cut; it must name an online hart (EINVAL).
i64 linux_sys_sched_setaffinity(const SyscallArgs& a) {
  const i32 pid = i32(a.a[0]);
  u64 mask = 0;
  if (a.a[1] >= kCpumaskBytes) {
    Result<void> r = copyin(&mask, a.a[2], kCpumaskBytes);
    if (!r.ok()) return errno_of(r.error());
  }
  Lwp* self = curlwp();
  bool move = false;
  {
    MutexGuard g(proc_lock);
    Target t;
    if (!find_thread_locked(pid, t)) return errno_of(Error::Srch);
    if (!may_change(t.p)) return errno_of(Error::Perm);
    mask &= online_mask();
    if (!mask) return errno_of(Error::Inval);
    set_affinity(t.l, mask);
    move = t.l == self && !((mask >> hal::cpu_index()) & 1);
  }
  if (move) sleep_ns(1);
  return 0;
}

// sched_get_priority_max/min(policy): 99 and 1 for the real-time policies,
// 0 for the others (SCHED_EXT included, whatever the configuration),
// EINVAL for no policy. Setting SCHED_EXT is EINVAL, as in a kernel built
// without CONFIG_SCHED_CLASS_EXT.
i64 linux_sys_sched_get_priority_max(const SyscallArgs& a) {
  switch (int(a.a[0])) {
    case kSchedFifo: case kSchedRr: return 99;
    case kSchedOther: case kSchedBatch: case kSchedIdle: case kSchedDeadline: case kSchedExt:
      return 0;
    default: return errno_of(Error::Inval);
  }
}
i64 linux_sys_sched_get_priority_min(const SyscallArgs& a) {
  switch (int(a.a[0])) {
    case kSchedFifo: case kSchedRr: return 1;
    case kSchedOther: case kSchedBatch: case kSchedIdle: case kSchedDeadline: case kSchedExt:
      return 0;
    default: return errno_of(Error::Inval);
  }
}

i64 linux_sys_sched_getscheduler(const SyscallArgs& a) {
  const i32 pid = i32(a.a[0]);
  if (pid < 0) return errno_of(Error::Inval);
  MutexGuard g(proc_lock);
  Target t;
  if (!find_thread_locked(pid, t)) return errno_of(Error::Srch);
  const u8 v = __atomic_load_n(&t.l->l_policy, __ATOMIC_RELAXED);
  return (v & ~kPolicyResetOnFork) | (v & kPolicyResetOnFork ? kSchedResetOnFork : 0);
}

i64 linux_sys_sched_getparam(const SyscallArgs& a) {
  const i32 pid = i32(a.a[0]);
  if (!a.a[1] || pid < 0) return errno_of(Error::Inval);
  i32 prio;
  {
    MutexGuard g(proc_lock);
    Target t;
    if (!find_thread_locked(pid, t)) return errno_of(Error::Srch);
    prio = __atomic_load_n(&t.l->l_rtprio, __ATOMIC_RELAXED);  // 0 unless real-time
  }
  return syscall_result(copyout(a.a[1], &prio, sizeof prio));
}

// sched_rr_get_interval(pid, ts): SCHED_RR's quantum (Linux's RR_TIMESLICE,
// 100 ms), 0 ("infinity") for SCHED_FIFO, and the time-sharing slice
// Tine gives the others (Linux reports its fair slice in jiffies there,
// which depends on its HZ and load).
i64 linux_sys_sched_rr_get_interval(const SyscallArgs& a) {
  const i32 pid = i32(a.a[0]);
  if (pid < 0) return errno_of(Error::Inval);
  u64 ns;
  {
    MutexGuard g(proc_lock);
    Target t;
    if (!find_thread_locked(pid, t)) return errno_of(Error::Srch);
    switch (sched_class_of(t.l)) {
      case SchedClass::Rr: ns = kRrIntervalNs; break;
      case SchedClass::Fifo: ns = 0; break;
      default: ns = kSliceNs; break;
    }
  }
  const struct {
    i64 sec, nsec;
  } ts{i64(ns / 1'000'000'000), i64(ns % 1'000'000'000)};
  return syscall_result(copyout(a.a[1], &ts, sizeof ts));
}

namespace {
// do_sched_setscheduler: policy -1 keeps the current one (sched_setparam).
i64 set_scheduler(i32 pid, int policy, uptr param) {
  if (!param || pid < 0) return errno_of(Error::Inval);
  i32 prio;
  if (Result<void> r = copyin(&prio, param, sizeof prio); !r.ok()) return errno_of(r.error());
  MutexGuard g(proc_lock);
  Target t;
  if (!find_thread_locked(pid, t)) return errno_of(Error::Srch);
  Proc* p = t.p;
  Lwp* l = t.l;
  const u8 old = __atomic_load_n(&l->l_policy, __ATOMIC_RELAXED);
  bool reset = old & kPolicyResetOnFork;
  if (policy < 0) {
    policy = old & ~kPolicyResetOnFork;
  } else {
    reset = policy & kSchedResetOnFork;
    policy &= ~kSchedResetOnFork;
    if (policy != kSchedOther && policy != kSchedFifo && policy != kSchedRr &&
        policy != kSchedBatch && policy != kSchedIdle && policy != kSchedDeadline)
      return errno_of(Error::Inval);
  }
  // __sched_setscheduler's parameter checks, then the permission ones.
  const bool rt = policy == kSchedFifo || policy == kSchedRr;
  if (prio < 0 || prio > 99 || policy == kSchedDeadline || rt != (prio != 0))
    return errno_of(Error::Inval);
  const bool root = proc_own_cred(curproc())->euid == kRootUid;
  if (!root) {
    // user_check_sched_setscheduler, for a caller without CAP_SYS_NICE:
    // the rlimits are the target's.
    u64 rlim_rtprio, rlim_nice;
    bool same_owner;
    {
      MutexGuard pg(p->p_lock());
      rlim_rtprio = p->p_limit->limits[kRlimitRtprio].cur;
      rlim_nice = p->p_limit->limits[kRlimitNice].cur;
      same_owner = may_change_locked(p);
    }
    const int oldpol = old & ~kPolicyResetOnFork;
    const i32 old_rtprio = __atomic_load_n(&l->l_rtprio, __ATOMIC_RELAXED);
    if (rt && policy != oldpol && rlim_rtprio == 0) return errno_of(Error::Perm);
    if (rt && prio > old_rtprio && u64(prio) > rlim_rtprio) return errno_of(Error::Perm);
    // Leaving SCHED_IDLE is a nice reduction (is_nice_reduction: 20 - nice
    // within RLIMIT_NICE).
    if (oldpol == kSchedIdle && policy != kSchedIdle &&
        u64(20 - __atomic_load_n(&l->l_nice, __ATOMIC_RELAXED)) > rlim_nice)
      return errno_of(Error::Perm);
    if (!same_owner) return errno_of(Error::Perm);
    // Only CAP_SYS_NICE may drop SCHED_RESET_ON_FORK.
    if ((old & kPolicyResetOnFork) && !reset) return errno_of(Error::Perm);
  }
  __atomic_store_n(&l->l_policy, u8(policy | (reset ? kPolicyResetOnFork : 0)),
                   __ATOMIC_RELAXED);
  const SchedClass cls =
      policy == kSchedFifo ? SchedClass::Fifo : policy == kSchedRr ? SchedClass::Rr : SchedClass::Other;
  // Linux requeues even when nothing changed (a sched_setparam to the same
  // priority moves the thread to the tail of its list).
  sched_set_class(l, cls, unsigned(prio));
  return 0;
}
}  // namespace

i64 linux_sys_sched_setscheduler(const SyscallArgs& a) {
  const int policy = int(a.a[1]);
  if (policy < 0) return errno_of(Error::Inval);
  return set_scheduler(i32(a.a[0]), policy, a.a[2]);
}
i64 linux_sys_sched_setparam(const SyscallArgs& a) { return set_scheduler(i32(a.a[0]), -1, a.a[1]); }

// getpriority/setpriority(which, who[, nice]) over a process, a process
// group or a user's processes (who 0: the caller's own).
namespace {
// fn(l, may) for each matching thread, `may`: the caller may change it
// (may_change); false when none matches.
template <typename Fn>
bool for_each_target(int which, i32 who, Fn fn) REQUIRES(proc_lock) {
  Proc* self = curproc();
  bool found = false;
  auto all_threads = [&](Proc* p) REQUIRES(proc_lock) {
    MutexGuard g(p->p_lock());
    const bool may = may_change_locked(p);
    for (Lwp* l : p->p_lwps) {
      found = true;
      fn(l, may);
    }
  };
  switch (which) {
    case kPrioProcess: {
      Target t;
      if (find_thread_locked(who, t)) {
        found = true;
        fn(t.l, may_change(t.p));
      }
      break;
    }
    case kPrioPgrp: {
      const i32 pgid = who ? who : (self->p_pgrp ? self->p_pgrp->pgid.value : 0);
      for (Proc* p : allproc)
        if (p->p_pgrp && p->p_pgrp->pgid.value == pgid && p->p_stat != ProcStat::SZOMB)
          all_threads(p);
      break;
    }
    case kPrioUser: {
      const u32 uid = who ? u32(who) : proc_own_cred(self)->uid.value;
      for (Proc* p : allproc) {
        if (p->p_stat == ProcStat::SZOMB) continue;
        bool match;
        {
          MutexGuard g(p->p_lock());
          match = p->p_cred->uid.value == uid && !(p->p_flag & PK_SYSTEM);
        }
        if (match) all_threads(p);
      }
      break;
    }
  }
  return found;
}
}  // namespace

i64 linux_sys_getpriority(const SyscallArgs& a) {
  const int which = int(a.a[0]);
  const i32 who = i32(a.a[1]);
  if (which < kPrioProcess || which > kPrioUser) return errno_of(Error::Inval);
  i64 best = -1;  // Linux: 20 - nice, highest over the matches
  MutexGuard g(proc_lock);
  const bool found = for_each_target(which, who, [&](Lwp* l, bool) {
    const i64 v = 20 - __atomic_load_n(&l->l_nice, __ATOMIC_RELAXED);
    if (v > best) best = v;
  });
  return found ? best : errno_of(Error::Srch);
}

i64 linux_sys_setpriority(const SyscallArgs& a) {
  const int which = int(a.a[0]);
  const i32 who = i32(a.a[1]);
  if (which < kPrioProcess || which > kPrioUser) return errno_of(Error::Inval);
  const i32 nice = max<i32>(-20, min<i32>(19, i32(a.a[2])));
  const bool root = proc_own_cred(curproc())->euid == kRootUid;
  i64 r = errno_of(Error::Srch);
  MutexGuard g(proc_lock);
  for_each_target(which, who, [&](Lwp* l, bool may) {
    // set_one_prio: EPERM for another's process, EACCES for a lower nice
    // without CAP_SYS_NICE; a failure stays the answer, and the first
    // success replaces only ESRCH.
    if (!may) {
      r = errno_of(Error::Perm);
      return;
    }
    if (nice < __atomic_load_n(&l->l_nice, __ATOMIC_RELAXED) && !root) {
      r = errno_of(Error::Access);
      return;
    }
    if (r == errno_of(Error::Srch)) r = 0;
    __atomic_store_n(&l->l_nice, int8_t(nice), __ATOMIC_RELAXED);
  });
  return r;
}

// rseq(rseq, len, flags, sig) (293): not registered, on purpose. A real
// registration must also abort a thread's critical section (rseq_cs) when
// it is preempted, migrated or signalled before it returns to user mode;
// updating only cpu_id would let such code commit on the wrong CPU. glibc
// takes ENOSYS as "no rseq" (its __rseq_size stays 0 and sched_getcpu asks
// the kernel), so this answer is safe, and it is not logged as missing.
i64 linux_sys_rseq(const SyscallArgs&) { return errno_of(Error::NoSys); }

}  // namespace tine
