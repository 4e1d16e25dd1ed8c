// POSIX timers and setitimer used by several threads at once: each of four
// threads creates, arms, reads and deletes its own timers 2000 times (on
// the guest clock and on the process CPU clock) and arms ITIMER_REAL far
// ahead, all at once. Every call must succeed on the timer the thread
// made; the kernel must not mix up or free one under another thread.
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static int g_bad;

static void bad(void) { __atomic_add_fetch(&g_bad, 1, __ATOMIC_RELAXED); }

static void* worker(void* arg) {
  const clockid_t clock = arg ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC;
  for (int i = 0; i < 2000; i++) {
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_NONE;
    timer_t t;
    if (timer_create(clock, &ev, &t) != 0) {
      bad();
      continue;
    }
    struct itimerspec v = {{0, 0}, {100 + i % 7, 0}};
    if (timer_settime(t, 0, &v, NULL) != 0) bad();
    struct itimerspec g;
    if (timer_gettime(t, &g) != 0 || g.it_value.tv_sec < 90 || g.it_value.tv_sec > 107) bad();
    if (timer_getoverrun(t) != 0) bad();
    if (timer_delete(t) != 0) bad();
    struct itimerval r = {{0, 0}, {1000, 0}};
    if (setitimer(ITIMER_REAL, &r, NULL) != 0) bad();
  }
  return NULL;
}

int main(void) {
  pthread_t th[4];
  for (long i = 0; i < 4; i++) pthread_create(&th[i], NULL, worker, (void*)(i & 1));
  for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
  struct itimerval r;
  getitimer(ITIMER_REAL, &r);
  printf("4 threads x 2000 timers: failed calls %d, ITIMER_REAL armed %s\n", g_bad,
         r.it_value.tv_sec > 900 ? "yes" : "no");
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  return 0;
}
