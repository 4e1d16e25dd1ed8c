// timerfd_create, timerfd_settime, timerfd_gettime (core/fs/file_timerfd.h),
// in Linux's order of checks: settime reads the new value first (EFAULT),
// then checks flags and the value (EINVAL), the descriptor (EBADF, EINVAL
// for one that is no timerfd), and writes the old value last (EFAULT, the
// new setting in place by then).
#include "core/compat/linux/linux.h"
#include "core/compat/linux/sigwait.h"

#include "core/fs/file_timerfd.h"
#include "core/fs/filedesc.h"
#include "core/proc/proc.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

constexpr u64 kNsPerSec = 1000000000u;

struct LinuxItimerspec {
  LinuxTimespec interval, value;
};

bool valid(const LinuxTimespec& ts) { return ts.sec >= 0 && ts.nsec >= 0 && ts.nsec < i64(kNsPerSec); }

// Seconds past what guest ns hold are clamped (hundreds of years).
u64 to_ns(const LinuxTimespec& ts) {
  if (u64(ts.sec) >= ~u64(0) / kNsPerSec - 1) return ~u64(0) - 1;
  return u64(ts.sec) * kNsPerSec + u64(ts.nsec);
}

LinuxTimespec to_ts(u64 ns) { return {i64(ns / kNsPerSec), i64(ns % kNsPerSec)}; }

i64 put_setting(uptr user, const TimerFdSetting& s) {
  const LinuxItimerspec its{to_ts(s.interval_ns), to_ts(s.value_ns)};
  return syscall_result(copyout(user, &its, sizeof its));
}

}  // namespace

i64 linux_sys_timerfd_create(const SyscallArgs& a) {
  const int flags = int(a.a[1]);
  Result<File*> f = timerfd_create(int(a.a[0]), flags);
  if (!f.ok()) return errno_of(f.error());
  Result<int> fd = fd_install(curfd(), f.value(), (flags & kTfdCloExec) != 0);
  file_release(f.value());  // the slot holds its own
  return syscall_result(fd);
}

// timerfd_settime(fd, flags, new, old)
i64 linux_sys_timerfd_settime(const SyscallArgs& a) {
  LinuxItimerspec nv;
  if (Result<void> c = copyin(&nv, a.a[2], sizeof nv); !c.ok()) return errno_of(c.error());
  const int flags = int(a.a[1]);
  if ((flags & ~(kTfdTimerAbstime | kTfdTimerCancelOnSet)) || !valid(nv.value) ||
      !valid(nv.interval))
    return errno_of(Error::Inval);
  Result<File*> got = fd_get(curfd(), int(a.a[0]));
  if (!got.ok()) return errno_of(got.error());
  Result<TimerFdSetting> old =
      timerfd_settime(*got.value(), flags, to_ns(nv.value), to_ns(nv.interval));
  file_release(got.value());
  if (!old.ok()) return errno_of(old.error());
  return a.a[3] ? put_setting(a.a[3], old.value()) : 0;
}

// timerfd_gettime(fd, cur)
i64 linux_sys_timerfd_gettime(const SyscallArgs& a) {
  Result<File*> got = fd_get(curfd(), int(a.a[0]));
  if (!got.ok()) return errno_of(got.error());
  Result<TimerFdSetting> cur = timerfd_gettime(*got.value());
  file_release(got.value());
  if (!cur.ok()) return errno_of(cur.error());
  return put_setting(a.a[1], cur.value());
}

}  // namespace tine
