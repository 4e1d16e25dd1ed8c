// Linux system and time syscalls: uname, sysinfo, clocks, sleeping, yielding, randomness.
#include "core/compat/linux/linux.h"

#include "core/compat/linux/abi_time.h"
#include "core/lib/random.h"
#include "core/lib/string.h"
#include "core/lib/utsname.h"
#include "core/proc/exit.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "core/vm/heap.h"
#include "core/vm/page_alloc.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"
#include "hal/pmap.h"

namespace tine {

i64 linux_sys_uname(const SyscallArgs& a) {
  // What Tine calls itself (core/lib/utsname.h: why the release is Linux's).
  char u[6][65] = {};
  memcpy(u[0], kUtsSysname, sizeof kUtsSysname);
  memcpy(u[1], kUtsNodename, sizeof kUtsNodename);
  memcpy(u[2], kUtsRelease, sizeof kUtsRelease);
  memcpy(u[3], kUtsVersion, sizeof kUtsVersion);
  memcpy(u[4], kUtsMachine, sizeof kUtsMachine);
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

i64 linux_sys_sysinfo(const SyscallArgs& a) {
  LinuxSysinfo si{};
  si.uptime = i64(hal::time_ns() / 1000000000u);
  PageAllocator& pa = page_allocator();
  // Exact: pages parked in hart caches and empty heap slabs are free too.
  heap_trim();
  hal::pmap_trim();
  pa.drain_caches();
  si.totalram = pa.total_pages() * kPageSize;
  si.freeram = pa.free_pages() * kPageSize;
  si.procs = u16(__atomic_load_n(&nprocs, __ATOMIC_RELAXED));
  si.mem_unit = 1;
  return syscall_result(copyout(a.a[0], &si, sizeof si));
}

// Every clock reads the one guest time: the monotonic clocks and BOOTTIME
// (Tine never suspends) are time since boot, and CLOCK_REALTIME is the
// same plus the realtime offset, 0 until Tine learns the date (the epoch
// starts at boot). The vDSO computes the same values from the same time
// CSR and offset (hal/riscv/vdso/vgettime.c), so a program sees one clock
// whether glibc traps or not. The coarse clocks are not coarser: they read
// the fine time too, so clock_getres reports 1 ns for every clock.
namespace {
constexpr u64 kClockMax = 11;  // CLOCK_TAI; CPU-time clock ids are negative
// 10 was CLOCK_SGI_CYCLE: Linux has no clock there (EINVAL), and glibc's
// clock_getcpuclockid(-2) builds that id and expects the EINVAL (ESRCH).
constexpr u64 kClockSgiCycle = 10;
bool clock_exists(u64 clock) { return clock <= kClockMax && clock != kClockSgiCycle; }

struct LinuxTimeval {
  i64 sec, usec;
};
}  // namespace

i64 linux_sys_clock_gettime(const SyscallArgs& a) {
  if (linux_is_cpu_clock(i64(i32(a.a[0])))) {  // resource.cpp
    Result<u64> ns = linux_cpu_clock_read(i64(i32(a.a[0])), nullptr);
    if (!ns.ok()) return errno_of(ns.error());
    const LinuxTimespec ts{i64(ns.value() / 1000000000u), i64(ns.value() % 1000000000u)};
    return syscall_result(copyout(a.a[1], &ts, sizeof ts));
  }
  const u64 now = hal::time_ns();
  LinuxTimespec ts{i64(now / 1000000000u), i64(now % 1000000000u)};
  if (!clock_exists(a.a[0])) return errno_of(Error::Inval);
  return syscall_result(copyout(a.a[1], &ts, sizeof ts));
}

// clock_getres(clock, res): res may be NULL (a validity check, as Linux).
i64 linux_sys_clock_getres(const SyscallArgs& a) {
  u64 cpu_res = 0;
  if (linux_is_cpu_clock(i64(i32(a.a[0])))) {  // resource.cpp
    Result<u64> ns = linux_cpu_clock_read(i64(i32(a.a[0])), &cpu_res);
    if (!ns.ok()) return errno_of(ns.error());
  } else if (!clock_exists(a.a[0])) {
    return errno_of(Error::Inval);
  }
  const LinuxTimespec res{0, cpu_res ? i64(cpu_res) : 1};
  if (!a.a[1]) return 0;
  return syscall_result(copyout(a.a[1], &res, sizeof res));
}

// gettimeofday(tv, tz): CLOCK_REALTIME in microseconds; either pointer may
// be NULL. The kernel keeps no time zone: tz reads as UTC, no DST.
i64 linux_sys_gettimeofday(const SyscallArgs& a) {
  const u64 now = hal::time_ns();
  if (a.a[0]) {
    const LinuxTimeval tv{i64(now / 1000000000u), i64(now % 1000000000u / 1000u)};
    if (Result<void> r = copyout(a.a[0], &tv, sizeof tv); !r.ok()) return errno_of(r.error());
  }
  if (a.a[1]) {
    const i32 tz[2] = {0, 0};  // tz_minuteswest, tz_dsttime
    if (Result<void> r = copyout(a.a[1], tz, sizeof tz); !r.ok()) return errno_of(r.error());
  }
  return 0;
}

// getcpu(cpu, node, cache): the hart's dense index (the logical CPU number
// Linux reports, not the hart id, which has holes on some boards), node 0;
// the cache argument is unused since Linux 2.6.24. Either pointer may be
// NULL. The answer may be stale by the time the caller reads it, as on Linux.
i64 linux_sys_getcpu(const SyscallArgs& a) {
  const u32 cpu = hal::cpu_index();
  const u32 node = 0;
  if (a.a[0]) {
    if (Result<void> r = copyout(a.a[0], &cpu, sizeof cpu); !r.ok()) return errno_of(r.error());
  }
  if (a.a[1]) {
    if (Result<void> r = copyout(a.a[1], &node, sizeof node); !r.ok()) return errno_of(r.error());
  }
  return 0;
}

namespace {
// A user timespec, checked as Linux checks one: EFAULT, EINVAL.
Result<LinuxTimespec> read_timespec(uptr user) {
  LinuxTimespec ts;
  TRY(copyin(&ts, user, sizeof ts));
  if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000) return Error::Inval;
  return ts;
}

// base + ts in guest ns, saturating: a sleep of 2^62 s is "forever".
u64 deadline_after(u64 base, const LinuxTimespec& ts) {
  constexpr u64 kNs = 1000000000u;
  const u64 max = ~u64(0);
  if (u64(ts.sec) > (max - base) / kNs - 1) return max;
  return base + u64(ts.sec) * kNs + u64(ts.nsec);
}

i64 sleep_to(u64 until, uptr remain);

// restart_syscall's work for an interrupted relative sleep: on to the same
// deadline (Linux's hrtimer_nanosleep_restart).
i64 sleep_restart(u64 until, u64 remain) { return sleep_to(until, remain); }

// Sleeps until guest time `until`. A signal ends the sleep: a relative
// sleep reports the time left in `remain` (if given), and the call fails
// with EINTR when a handler runs; when none runs (a stop and SIGCONT), it
// goes on to the same deadline through restart_syscall, as Linux's
// restart_block, so the time stopped counts toward the sleep.
i64 sleep_to(u64 until, uptr remain) {
  Result<void> r =
      sleep_until(SleepOn{.until_ns = until}, [&] { return hal::time_ns() >= until; });
  if (r.ok()) return 0;
  syscall_set_restart_block(sleep_restart, until, remain);
  if (remain) {
    const u64 now = hal::time_ns();
    const u64 left = until > now ? until - now : 0;
    const LinuxTimespec ts{i64(left / 1000000000u), i64(left % 1000000000u)};
    Result<void> c = copyout(remain, &ts, sizeof ts);
    if (!c.ok()) return errno_of(c.error());
  }
  return errno_of(Error::RestartBlock);
}
}  // namespace

i64 linux_sys_restart_syscall(const SyscallArgs&) { return syscall_run_restart_block(); }

i64 linux_sys_nanosleep(const SyscallArgs& a) {
  Result<LinuxTimespec> ts = read_timespec(a.a[0]);
  if (!ts.ok()) return errno_of(ts.error());
  return sleep_to(deadline_after(hal::time_ns(), ts.value()), a.a[1]);
}

// clock_nanosleep(clock, flags, request, remain): glibc's nanosleep and
// sleep call this. Every clock Tine has reads the same guest time
// (clock_gettime above), so a TIMER_ABSTIME request is a time_ns value.
// The CPU-time clocks are EINVAL (Tine keeps no CPU time; Linux sleeps on
// the process clock).
i64 linux_sys_clock_nanosleep(const SyscallArgs& a) {
  constexpr u64 kRealtime = 0, kMonotonic = 1, kBoottime = 7, kRealtimeAlarm = 8,
                kBoottimeAlarm = 9;
  constexpr u64 kTimerAbstime = 1;
  const u64 clock = a.a[0];
  if (clock != kRealtime && clock != kMonotonic && clock != kBoottime &&
      clock != kRealtimeAlarm && clock != kBoottimeAlarm)
    return errno_of(Error::Inval);
  Result<LinuxTimespec> ts = read_timespec(a.a[2]);
  if (!ts.ok()) return errno_of(ts.error());
  if (a.a[1] & kTimerAbstime) return sleep_to(deadline_after(0, ts.value()), 0);
  return sleep_to(deadline_after(hal::time_ns(), ts.value()), a.a[3]);
}

i64 linux_sys_sched_yield(const SyscallArgs&) {
  yield();
  return 0;
}

i64 linux_sys_zero(const SyscallArgs&) { return 0; }  // set_robust_list: nothing to do

// getrandom(2): every flag combination reads the same ChaCha20 pool, which
// is seeded before the first process runs, so nothing ever blocks
// (GRND_RANDOM and GRND_NONBLOCK are accepted; GRND_INSECURE too, but not
// with GRND_RANDOM, as Linux). Long requests go out in pieces and return
// the full count; a fault after some bytes returns what was written, a
// fault at once EFAULT, and a pending fatal signal ends a long request
// early, as Linux's get_random_bytes_user.
i64 linux_sys_getrandom(const SyscallArgs& a) {
  constexpr u64 kNonblock = 1, kRandom = 2, kInsecure = 4;
  const u64 flags = a.a[2];
  if ((flags & ~(kNonblock | kRandom | kInsecure)) ||
      (flags & (kRandom | kInsecure)) == (kRandom | kInsecure))
    return errno_of(Error::Inval);
  // Linux caps one read at MAX_RW_COUNT (INT_MAX rounded down to a page).
  const u64 len = min<u64>(a.a[1], 0x7ffff000ull);
  const uptr dst = a.a[0];
  u8 buf[256];
  u64 done = 0;
  while (done < len) {
    if (done && done % kPageSize == 0 && sigpending_fatal()) break;
    // Never across a page boundary: a fault then falls between pages, and
    // the count returned is exactly what the caller can read (as Linux).
    const uptr at = dst + done;
    const size_t n = size_t(min<u64>(min<u64>(len - done, sizeof buf),
                                     kPageSize - (at & (kPageSize - 1))));
    random_bytes(buf, n);
    if (!copyout(at, buf, n).ok()) {
      if (!done) done = ~u64(0);  // nothing written: EFAULT below
      break;
    }
    done += n;
  }
  for (u8& b : buf) __atomic_store_n(&b, u8(0), __ATOMIC_RELAXED);
  return done == ~u64(0) ? errno_of(Error::Fault) : i64(done);
}

}  // namespace tine
