/* The vDSO's data page: one read-only page mapped just below the vDSO's
 * text in every process, written by the kernel (hal/riscv/vdso_data.cpp)
 * and read by the vDSO's code (vgettime.c). Plain C with fixed-width types:
 * both the kernel (C++) and the vDSO (C, built apart) include it, so the
 * layout is one definition. Linux calls this page "vvar". */
#ifndef TINE_HAL_RISCV_VDSO_DATA_H
#define TINE_HAL_RISCV_VDSO_DATA_H

#include <stdint.h>

#define TINE_VDSO_DATA_VERSION 1

struct tine_vdso_data {
  /* Odd while the kernel rewrites the fields below; a reader retries
   * when it saw an odd value or the value changed under it. */
  uint32_t seq;
  uint32_t version;     /* TINE_VDSO_DATA_VERSION */
  /* 1 when user mode may read the time CSR (scounteren.TM took); 0 sends
   * every clock call to the syscall. */
  uint32_t rdtime_ok;
  uint32_t pad;
  uint64_t timebase_hz; /* ticks of the time CSR per second */
  /* CLOCK_REALTIME = monotonic ns + this. */
  int64_t realtime_offset_ns;
};

#endif
