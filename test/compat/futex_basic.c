// The futex system call on its own (one thread): FUTEX_WAIT on a value
// that differs is EAGAIN, a relative timeout ends in ETIMEDOUT, an
// absolute FUTEX_WAIT_BITSET timeout on CLOCK_MONOTONIC and on
// CLOCK_REALTIME too; FUTEX_WAKE with nobody waiting wakes 0; the errors:
// an unaligned or unmapped word, a bad op, a zero bitset, a bad timeout.
#include "compat.h"

#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>

static long futex(void* uaddr, int op, uint32_t val, const struct timespec* ts, void* uaddr2,
                  uint32_t val3) {
  return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static volatile int alarmed;
static void on_alarm(int s) {
  (void)s;
  alarmed = 1;
}

int main(void) {
  static uint32_t word __attribute__((aligned(8))) = 5;
  struct timespec rel = {0, 20000000};
  say("WAIT, value differs", futex(&word, FUTEX_WAIT, 6, &rel, NULL, 0));
  say("WAIT_PRIVATE, value differs", futex(&word, FUTEX_WAIT_PRIVATE, 6, &rel, NULL, 0));
  long t0 = now_ms();
  say("WAIT 20 ms", futex(&word, FUTEX_WAIT, 5, &rel, NULL, 0));
  printf("  waited at least 15 ms: %d\n", now_ms() - t0 >= 15);
  struct timespec abs;
  clock_gettime(CLOCK_MONOTONIC, &abs);
  abs.tv_nsec += 20000000;
  if (abs.tv_nsec >= 1000000000) {
    abs.tv_sec++;
    abs.tv_nsec -= 1000000000;
  }
  say("WAIT_BITSET absolute monotonic",
      futex(&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 5, &abs, NULL, FUTEX_BITSET_MATCH_ANY));
  clock_gettime(CLOCK_REALTIME, &abs);
  abs.tv_nsec += 20000000;
  if (abs.tv_nsec >= 1000000000) {
    abs.tv_sec++;
    abs.tv_nsec -= 1000000000;
  }
  say("WAIT_BITSET absolute realtime",
      futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, &abs, NULL,
            FUTEX_BITSET_MATCH_ANY));
  struct timespec past = {1, 0};
  say("WAIT_BITSET in the past",
      futex(&word, FUTEX_WAIT_BITSET, 5, &past, NULL, FUTEX_BITSET_MATCH_ANY));
  say("WAKE nobody", futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0));
  say("WAKE_PRIVATE nobody", futex(&word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0));
  say("WAIT unaligned", futex((char*)&word + 1, FUTEX_WAIT, 5, &rel, NULL, 0));
  say("WAIT unmapped", futex((void*)8, FUTEX_WAIT, 5, &rel, NULL, 0));
  say("WAKE unmapped (no read)", futex((void*)8, FUTEX_WAKE, 1, NULL, NULL, 0));
  say("bad op", futex(&word, 99, 5, &rel, NULL, 0));
  say("WAIT_BITSET zero bitset", futex(&word, FUTEX_WAIT_BITSET, 5, &rel, NULL, 0));
  struct timespec bad = {0, 1000000000};
  say("WAIT bad timeout", futex(&word, FUTEX_WAIT, 5, &bad, NULL, 0));
  struct timespec neg = {-1, 0};
  say("WAIT negative timeout", futex(&word, FUTEX_WAIT, 5, &neg, NULL, 0));
  // A signal ends a wait with EINTR (the handler ran, no SA_RESTART
  // matters: futex wait is never restarted with a relative timeout).
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 0}, {0, 20000}};
  setitimer(ITIMER_REAL, &it, NULL);
  struct timespec longer = {5, 0};
  say("WAIT interrupted by a signal", futex(&word, FUTEX_WAIT, 5, &longer, NULL, 0));
  printf("  handler ran %d\n", alarmed);
  return 0;
}
