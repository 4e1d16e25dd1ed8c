/* The vDSO's clock calls: clock_gettime, gettimeofday and clock_getres read
 * the time CSR and the data page (vdso_data.h) without a trap; getcpu and
 * every clock this cannot serve make the syscall. Built freestanding and
 * position-independent (meson.build here): no libc, no writable data, no
 * relocations. The arithmetic is the kernel's hal::time_ns
 * (hal/riscv/timer.cpp), so the syscall and the vDSO read the same clock. */
#include <stdint.h>

#include "vdso_data.h"

/* Linux's ABI types, spelled out (no libc headers here). */
struct vdso_timespec { int64_t tv_sec; int64_t tv_nsec; };
struct vdso_timeval { int64_t tv_sec; int64_t tv_usec; };
struct vdso_timezone { int tz_minuteswest; int tz_dsttime; };

enum {
  NR_clock_gettime = 113, NR_clock_getres = 114, NR_getcpu = 168,
  NR_gettimeofday = 169,
};
enum {
  CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_MONOTONIC_RAW = 4,
  CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7,
};

/* Defined by vdso.lds one page below the image: reached PC-relatively. */
extern const volatile struct tine_vdso_data tine_vdso_data
    __attribute__((visibility("hidden")));

static long vdso_syscall3(long nr, long a, long b, long c) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a7 __asm__("a7") = nr;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

/* 0: realtime (adds the offset), 1: monotonic, -1: not served here. */
static int clock_kind(long clk) {
  switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
      return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      return 1;
    default:
      return -1;
  }
}

/* Nanoseconds on `kind`'s clock into *ns; 0 when user mode cannot read the
 * time CSR (the caller then makes the syscall). */
static int read_ns(int kind, uint64_t* ns) {
  const volatile struct tine_vdso_data* d = &tine_vdso_data;
  uint32_t seq;
  uint64_t t, hz;
  int64_t off;
  do {
    seq = d->seq;
    __asm__ volatile("fence r, r" ::: "memory");
    if (!d->rdtime_ok) return 0;
    hz = d->timebase_hz;
    off = d->realtime_offset_ns;
    __asm__ volatile("rdtime %0" : "=r"(t));
    __asm__ volatile("fence r, r" ::: "memory");
  } while ((seq & 1) || d->seq != seq);
  /* Seconds and remainder apart: t * 1e9 would overflow in half an hour. */
  uint64_t v = t / hz * 1000000000u + t % hz * 1000000000u / hz;
  if (kind == 0) v += (uint64_t)off;
  *ns = v;
  return 1;
}

int __vdso_clock_gettime(long clk, struct vdso_timespec* ts) {
  const int kind = clock_kind(clk);
  uint64_t ns;
  if (kind < 0 || !read_ns(kind, &ns))
    return (int)vdso_syscall3(NR_clock_gettime, clk, (long)ts, 0);
  ts->tv_sec = (int64_t)(ns / 1000000000u);
  ts->tv_nsec = (int64_t)(ns % 1000000000u);
  return 0;
}

int __vdso_gettimeofday(struct vdso_timeval* tv, struct vdso_timezone* tz) {
  uint64_t ns;
  if (!read_ns(0, &ns))
    return (int)vdso_syscall3(NR_gettimeofday, (long)tv, (long)tz, 0);
  if (tv) {
    tv->tv_sec = (int64_t)(ns / 1000000000u);
    tv->tv_usec = (int64_t)(ns % 1000000000u / 1000u);
  }
  if (tz) {
    /* The kernel keeps no time zone (sys_gettimeofday says the same). */
    tz->tz_minuteswest = 0;
    tz->tz_dsttime = 0;
  }
  return 0;
}

/* Every clock served here reads the fine time, the coarse ones too: 1 ns,
 * as the syscall says (core/compat/linux/system.cpp). */
int __vdso_clock_getres(long clk, struct vdso_timespec* res) {
  if (clock_kind(clk) < 0)
    return (int)vdso_syscall3(NR_clock_getres, clk, (long)res, 0);
  if (res) {
    res->tv_sec = 0;
    res->tv_nsec = 1;
  }
  return 0;
}

int __vdso_getcpu(unsigned* cpu, unsigned* node, void* cache) {
  return (int)vdso_syscall3(NR_getcpu, (long)cpu, (long)node, (long)cache);
}
