// A timer's signal never comes after timer_settime or setitimer has
// disarmed it: an expiry before the call has its signal pending when the
// call returns (delivered then, as here, the signal being unblocked), none
// after. Periodic 200 us timers on CLOCK_MONOTONIC, on the process CPU
// clock and ITIMER_REAL, disarmed while they fire: 100 times each, 30 on
// the CPU clock (Linux checks CPU timers at its tick, 4 ms apart).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t g_sigs;

static void on_sig(int sig) {
  (void)sig;
  g_sigs++;
}

static long long clock_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// Spins for `us` microseconds of CPU time (so CPU timers run too).
static void spin_us(long long us) {
  const long long end = clock_ns(CLOCK_PROCESS_CPUTIME_ID) + us * 1000;
  while (clock_ns(CLOCK_PROCESS_CPUTIME_ID) < end) {
  }
}

static void arm(timer_t t, long ns) {
  struct itimerspec its;
  memset(&its, 0, sizeof its);
  its.it_value.tv_nsec = ns;
  its.it_interval.tv_nsec = ns;
  timer_settime(t, 0, &its, NULL);
}

static void real_arm(long us) {
  struct itimerval it = {{0, us}, {0, us}};
  setitimer(ITIMER_REAL, &it, NULL);
}

// Arms, lets it fire, disarms, then counts signals that come afterwards.
static int stale_posix(clockid_t c, int rounds) {
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGUSR1;
  timer_t t;
  if (timer_create(c, &ev, &t) != 0) return -1;
  int late = 0;
  for (int i = 0; i < rounds; i++) {
    g_sigs = 0;
    arm(t, 200000);
    while (g_sigs < 2) spin_us(20);
    arm(t, 0);
    g_sigs = 0;
    spin_us(1000);
    if (g_sigs) late++;
  }
  timer_delete(t);
  return late;
}

static int stale_real(void) {
  int late = 0;
  for (int i = 0; i < 100; i++) {
    g_sigs = 0;
    real_arm(200);
    while (g_sigs < 2) spin_us(20);
    real_arm(0);
    g_sigs = 0;
    spin_us(1000);
    if (g_sigs) late++;
  }
  return late;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sig;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGALRM, &sa, NULL);
  printf("CLOCK_MONOTONIC timer: signals after disarm %d\n", stale_posix(CLOCK_MONOTONIC, 100));
  printf("process CPU timer: signals after disarm %d\n", stale_posix(CLOCK_PROCESS_CPUTIME_ID, 30));
  printf("ITIMER_REAL: signals after disarm %d\n", stale_real());
  return 0;
}
