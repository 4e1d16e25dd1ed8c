// Linux system and time syscalls: uname, sysinfo, clocks, sleeping, yielding, randomness.
#include "core/compat/linux/linux.h"

#include "core/lib/string.h"
#include "core/proc/exit.h"
#include "core/sched/sched.h"
#include "core/vm/heap.h"
#include "core/vm/page_alloc.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

i64 linux_sys_uname(const SyscallArgs& a) {
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

i64 linux_sys_sysinfo(const SyscallArgs& a) {
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

i64 linux_sys_clock_gettime(const SyscallArgs& a) {
  const u64 now = hal::time_ns();
  LinuxTimespec ts{i64(now / 1000000000u), i64(now % 1000000000u)};
  if (a.a[0] > 11) return errno_of(Error::Inval);
  return syscall_result(copyout(a.a[1], &ts, sizeof ts));
}

i64 linux_sys_nanosleep(const SyscallArgs& a) {
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

i64 linux_sys_sched_yield(const SyscallArgs&) {
  yield();
  return 0;
}

i64 linux_sys_zero(const SyscallArgs&) { return 0; }  // set_robust_list: nothing to do

i64 linux_sys_getrandom(const SyscallArgs& a) {
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

}  // namespace tine
