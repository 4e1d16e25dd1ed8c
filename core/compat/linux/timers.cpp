// Linux interval and POSIX timers (kernel/time/itimer.c, posix-timers.c):
// setitimer/getitimer (glibc's alarm is setitimer on riscv64) and
// timer_create/settime/gettime/getoverrun/delete, over core/proc/itimer.h.
#include "core/compat/linux/linux.h"

#include "core/compat/linux/abi_time.h"
#include "core/proc/itimer.h"
#include "core/proc/lwp_user.h"
#include "core/proc/proc.h"
#include "core/proc/sigacts.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"
#include "core/lib/string.h"

namespace tine {

namespace {

constexpr u64 kNsPerSec = 1000000000u;

struct LinuxTimeval {
  i64 sec, usec;
};
struct LinuxItimerval {
  LinuxTimeval interval, value;
};
struct LinuxItimerspec {
  LinuxTimespec interval, value;
};
constexpr i32 kSigevSignal = 0, kSigevNone = 1, kSigevThread = 2, kSigevThreadId = 4;
constexpr u64 kTimerAbstime = 1;

// Seconds beyond this are "forever" (saturate instead of overflowing).
constexpr i64 kMaxSec = i64((~u64(0) / kNsPerSec) - 1);

u64 ns_of(i64 sec, i64 sub_ns) {
  if (sec > kMaxSec) return ~u64(0);
  return u64(sec) * kNsPerSec + u64(sub_ns);
}

Result<u64> timeval_ns(const LinuxTimeval& tv) {
  if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000) return Error::Inval;
  return ns_of(tv.sec, tv.usec * 1000);
}

Result<u64> timespec_ns(const LinuxTimespec& ts) {
  if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= i64(kNsPerSec)) return Error::Inval;
  return ns_of(ts.sec, ts.nsec);
}

// Rounded up to a microsecond, as Linux reports a remaining time: a timer
// that is still armed never reads as 0.
LinuxTimeval timeval_of(u64 ns) {
  const u64 us = (ns + 999) / 1000;
  return LinuxTimeval{i64(us / 1000000), i64(us % 1000000)};
}

LinuxTimespec timespec_of(u64 ns) { return LinuxTimespec{i64(ns / kNsPerSec), i64(ns % kNsPerSec)}; }

LinuxItimerval itimerval_of(const TimerSetting& s) {
  return LinuxItimerval{timeval_of(s.interval_ns), timeval_of(s.value_ns)};
}

LinuxItimerspec itimerspec_of(const TimerSetting& s) {
  return LinuxItimerspec{timespec_of(s.interval_ns), timespec_of(s.value_ns)};
}

bool known_clock(u64 clock) {
  // REALTIME, MONOTONIC, BOOTTIME, TAI read the one guest clock. The alarm
  // clocks are EINVAL here (Linux: CAP_WAKE_ALARM); the CPU-time clocks
  // are cpu_clock's.
  return clock == 0 || clock == 1 || clock == 7 || clock == 11;
}

// A CPU-time clock for timer_create: CLOCK_PROCESS_CPUTIME_ID (2),
// CLOCK_THREAD_CPUTIME_ID (3), or what clock_getcpuclockid and
// pthread_getcpuclockid build (~pid << 3 | per-thread 4 | PROF 0, VIRT 1,
// SCHED 2; resource.cpp). Only the caller's own process and threads, and
// PROF or SCHED (both user + system here): EINVAL for the rest, where
// Linux also takes another process's clock and counts VIRT.
Result<PtimerClock> cpu_clock(i64 clock) {
  constexpr i64 kProcess = 2, kThread = 3;
  constexpr u64 kPerThread = 4, kVirt = 1;
  PtimerClock c;
  Proc* p = curproc();
  if (clock == kProcess) return PtimerClock{kPtimerProcessCpu, 0};
  if (clock == kThread) return PtimerClock{kPtimerThreadCpu, curlwp()->l_lid};
  const u64 which = u64(clock) & 3;
  if (which == kVirt || which == 3) return Error::Inval;
  const i32 pid = i32(~(clock >> 3));
  if (u64(clock) & kPerThread) {
    c.kind = kPtimerThreadCpu;
    c.tid = pid ? pid : curlwp()->l_lid;
    MutexGuard g(p->p_lock());
    if (!lwp_find_locked(p, c.tid)) return Error::Inval;
    return c;
  }
  if (pid != 0 && pid != p->p_pid.value) return Error::Inval;
  c.kind = kPtimerProcessCpu;
  return c;
}

}  // namespace

i64 linux_sys_getitimer(const SyscallArgs& a) {
  Result<TimerSetting> s = itimer_get(curproc(), int(a.a[0]));
  if (!s.ok()) return errno_of(s.error());
  LinuxItimerval v = itimerval_of(s.value());
  return syscall_result(copyout(a.a[1], &v, sizeof v));
}

i64 linux_sys_setitimer(const SyscallArgs& a) {
  // A null new value disarms, as Linux (which warns once).
  TimerSetting nv;
  if (a.a[1]) {
    LinuxItimerval v;
    if (!copyin(&v, a.a[1], sizeof v).ok()) return errno_of(Error::Fault);
    Result<u64> value = timeval_ns(v.value);
    Result<u64> interval = timeval_ns(v.interval);
    if (!value.ok() || !interval.ok()) return errno_of(Error::Inval);
    nv.value_ns = value.value();
    nv.interval_ns = interval.value();
  }
  Result<TimerSetting> old = itimer_set(curproc(), int(a.a[0]), nv);
  if (!old.ok()) return errno_of(old.error());
  if (!a.a[2]) return 0;
  LinuxItimerval ov = itimerval_of(old.value());
  return syscall_result(copyout(a.a[2], &ov, sizeof ov));
}

i64 linux_sys_timer_create(const SyscallArgs& a) {
  PtimerClock clock;
  if (linux_is_cpu_clock(i64(i32(a.a[0])))) {
    Result<PtimerClock> c = cpu_clock(i64(i32(a.a[0])));
    if (!c.ok()) return errno_of(c.error());
    clock = c.value();
  } else if (!known_clock(a.a[0])) {
    return errno_of(Error::Inval);
  }
  int sig = kSigAlrm;
  u64 sigval = 0;
  i32 tid = 0;
  Proc* p = curproc();
  if (a.a[1]) {
    LinuxSigevent ev;
    if (!copyin(&ev, a.a[1], sizeof ev).ok()) return errno_of(Error::Fault);
    // Linux's good_sigevent: SIGEV_THREAD_ID names an LWP of this process
    // (_sigev_un._tid, after notify); SIGEV_THREAD is the kernel's
    // SIGEV_SIGNAL (glibc makes the thread and asks for THREAD_ID).
    if (ev.notify == kSigevThreadId || ev.notify == (kSigevThreadId | kSigevSignal)) {
      memcpy(&tid, ev.rest, sizeof tid);
      MutexGuard g(p->p_lock());
      if (tid <= 0 || !lwp_find_locked(p, tid)) return errno_of(Error::Inval);
    }
    if (ev.notify == kSigevNone) {
      sig = 0;
    } else if (ev.notify == kSigevSignal || ev.notify == kSigevThread || tid) {
      if (ev.signo <= 0 || ev.signo >= i32(kNsig)) return errno_of(Error::Inval);
      sig = ev.signo;
    } else {
      return errno_of(Error::Inval);
    }
    sigval = ev.value;
  }
  Result<int> id = ptimer_create(p, sig, sigval, tid, clock);
  if (!id.ok()) return errno_of(id.error());
  // Without a sigevent, si_value is the timer id (Linux).
  if (!a.a[1]) ptimer_set_sigval(p, id.value(), u64(id.value()));
  const i32 out = id.value();
  if (!copyout(a.a[2], &out, sizeof out).ok()) {
    (void)ptimer_delete(p, out);
    return errno_of(Error::Fault);
  }
  return 0;
}

i64 linux_sys_timer_settime(const SyscallArgs& a) {
  if (!a.a[2]) return errno_of(Error::Inval);
  LinuxItimerspec v;
  if (!copyin(&v, a.a[2], sizeof v).ok()) return errno_of(Error::Fault);
  Result<u64> value = timespec_ns(v.value);
  Result<u64> interval = timespec_ns(v.interval);
  if (!value.ok() || !interval.ok()) return errno_of(Error::Inval);
  // Flags other than TIMER_ABSTIME are ignored, as Linux.
  TimerSetting nv{value.value(), interval.value()};
  Result<TimerSetting> old =
      ptimer_settime(curproc(), int(i32(a.a[0])), (a.a[1] & kTimerAbstime) != 0, nv);
  if (!old.ok()) return errno_of(old.error());
  if (!a.a[3]) return 0;
  LinuxItimerspec ov = itimerspec_of(old.value());
  return syscall_result(copyout(a.a[3], &ov, sizeof ov));
}

i64 linux_sys_timer_gettime(const SyscallArgs& a) {
  Result<TimerSetting> s = ptimer_gettime(curproc(), int(i32(a.a[0])));
  if (!s.ok()) return errno_of(s.error());
  LinuxItimerspec v = itimerspec_of(s.value());
  return syscall_result(copyout(a.a[1], &v, sizeof v));
}

i64 linux_sys_timer_getoverrun(const SyscallArgs& a) {
  Result<int> n = ptimer_getoverrun(curproc(), int(i32(a.a[0])));
  if (!n.ok()) return errno_of(n.error());
  return n.value();
}

i64 linux_sys_timer_delete(const SyscallArgs& a) {
  return syscall_result(ptimer_delete(curproc(), int(i32(a.a[0]))));
}

}  // namespace tine
