// The clocks glibc reads through the vDSO make no syscall. Run as init with
// the kernel's `strace` option (notrap.py reads the trace): phase "vdso"
// calls every clock entry glibc routes through the vDSO and must trace no
// clock syscall; phase "syscall" makes three clock_gettime syscalls
// directly, which the trace must show, so the check can see a trap when
// there is one.
#define _GNU_SOURCE
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void mark(const char* s) { (void)!write(1, s, strlen(s)); }

int main(void) {
  if (!getauxval(AT_SYSINFO_EHDR)) {
    mark("no AT_SYSINFO_EHDR\n");
    return 1;
  }
  struct timespec ts;
  struct timeval tv;
  long sum = 0;
  mark("phase vdso\n");
  for (int i = 0; i < 1000; i++) {
    static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_REALTIME_COARSE,
                                       CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME};
    for (unsigned k = 0; k < sizeof clocks / sizeof clocks[0]; k++) {
      sum += clock_gettime(clocks[k], &ts);
      sum += clock_getres(clocks[k], &ts);
    }
    sum += gettimeofday(&tv, NULL);
  }
  mark("phase syscall\n");
  for (int i = 0; i < 3; i++) sum += syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  mark("phase end\n");
  return sum != 0;
}
