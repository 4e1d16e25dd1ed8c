// Linux's resource-usage syscalls (kernel/sys.c, kernel/time/
// posix-cpu-timers.c): getrusage, times, the rusage that wait4 and waitid
// hand back, and the CPU-time clocks of clock_gettime and clock_getres.
// Times come from core/proc/rusage.h. Of struct rusage Tine fills the user
// and system times; the other counters (maxrss, faults, context switches)
// are 0 for now, and those Linux never fills are 0 there too.
#include "core/compat/linux/linux.h"

#include "core/proc/lwp_user.h"
#include "core/proc/rusage.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

namespace {
struct LinuxTimeval {
  i64 sec, usec;
};
struct LinuxRusage {
  LinuxTimeval utime, stime;
  i64 maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv,
      nsignals, nvcsw, nivcsw;
};
static_assert(sizeof(LinuxRusage) == 144);

constexpr int kRusageSelf = 0, kRusageChildren = -1, kRusageThread = 1;
constexpr u64 kNsPerSec = 1000000000u;
// USER_HZ: times() and the tms fields count 1/100 s.
constexpr u64 kNsPerClockTick = kNsPerSec / 100;

LinuxTimeval timeval_of(u64 ns) { return {i64(ns / kNsPerSec), i64(ns % kNsPerSec / 1000)}; }
}  // namespace

i64 linux_copyout_rusage(uptr user, u64 user_ns, u64 sys_ns) {
  LinuxRusage ru{};
  ru.utime = timeval_of(user_ns);
  ru.stime = timeval_of(sys_ns);
  return syscall_result(copyout(user, &ru, sizeof ru));
}

// getrusage(who, usage): EINVAL for another `who` before the pointer is
// looked at, as Linux.
i64 linux_sys_getrusage(const SyscallArgs& a) {
  CpuTimes t;
  switch (int(a.a[0])) {
    case kRusageSelf:
      t = proc_cputime(curproc());
      break;
    case kRusageChildren:
      t = proc_children_cputime(curproc());
      break;
    case kRusageThread:
      t = lwp_cputime(curlwp());
      break;
    default:
      return errno_of(Error::Inval);
  }
  return linux_copyout_rusage(a.a[1], t.user_ns, t.sys_ns);
}

// times(buf): the four times in clock ticks (buf may be NULL), and the
// ticks since boot as Linux counts them: its jiffies start 5 minutes
// before 0 (INITIAL_JIFFIES), so the value is negative for the first
// minutes of uptime.
i64 linux_sys_times(const SyscallArgs& a) {
  if (a.a[0]) {
    Proc* p = curproc();
    const CpuTimes self = proc_cputime(p), kids = proc_children_cputime(p);
    const i64 tms[4] = {i64(self.user_ns / kNsPerClockTick), i64(self.sys_ns / kNsPerClockTick),
                        i64(kids.user_ns / kNsPerClockTick), i64(kids.sys_ns / kNsPerClockTick)};
    if (Result<void> r = copyout(a.a[0], tms, sizeof tms); !r.ok()) return errno_of(r.error());
  }
  return i64(hal::time_ns() / kNsPerClockTick - 300 * 100);
}

// The CPU-time clocks: CLOCK_PROCESS_CPUTIME_ID (2), CLOCK_THREAD_CPUTIME_ID
// (3), and the ids clock_getcpuclockid and pthread_getcpuclockid make:
// ~pid << 3 | per-thread (4) | PROF 0, VIRT 1 or SCHED 2. A pid that names
// no process (no thread of the caller's, for a thread clock) is EINVAL, as
// Linux's posix_cpu_clock_get. Sets ns; false: not a CPU clock.
namespace {
constexpr i64 kClockProcessCputime = 2, kClockThreadCputime = 3;
constexpr u64 kCpuClockProf = 0, kCpuClockVirt = 1, kCpuClockSched = 2, kCpuClockPerThread = 4;
}  // namespace

bool linux_is_cpu_clock(i64 clock) {
  return clock < 0 || clock == kClockProcessCputime || clock == kClockThreadCputime;
}

// Reads CPU clock `clock` (linux_is_cpu_clock) into *ns, or says why not.
Result<u64> linux_cpu_clock_read(i64 clock, u64* resolution_ns) {
  if (clock == kClockProcessCputime) clock = ~i64(0) << 3 | kCpuClockSched;
  if (clock == kClockThreadCputime) clock = ~i64(0) << 3 | kCpuClockPerThread | kCpuClockSched;
  const u64 which = u64(clock) & 3;
  if (which == 3) return Error::Inval;  // CPUCLOCK_MAX (a clock fd there: none)
  const i32 pid = i32(~(clock >> 3));
  const bool thread = u64(clock) & kCpuClockPerThread;
  CpuTimes t;
  Proc* self = curproc();
  if (thread) {
    // Only the caller's own threads (Linux: same thread group).
    if (pid == 0) {
      t = lwp_cputime(curlwp());
    } else {
      MutexGuard g(self->p_lock());
      const Lwp* l = lwp_find_locked(self, pid);
      if (!l) return Error::Inval;
      t = lwp_cputime(l);
    }
  } else if (pid == 0 || pid == self->p_pid.value) {
    t = proc_cputime(self);
  } else {
    MutexGuard g(proc_lock);
    Proc* p = proc_find_locked(Pid{pid});
    if (!p) return Error::Inval;
    t = proc_cputime(p);
  }
  // The scheduler's clock counts in ns; PROF and VIRT in ticks (1/HZ).
  if (resolution_ns) *resolution_ns = which == kCpuClockSched ? 1 : kNsPerClockTick;
  if (which == kCpuClockVirt) return t.user_ns;
  (void)kCpuClockProf;
  return t.user_ns + t.sys_ns;
}

}  // namespace tine
