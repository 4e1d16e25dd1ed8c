// Short timeouts end when asked, not on a scheduler tick: 200 waits of
// 1 ms each, through every call that takes a timeout, must take under 1 s
// together (Linux's hrtimers end each in about 1.1 ms; a kernel that
// rounds timeouts up to 10 ms ticks takes 2 s or more) and none may end
// before its millisecond has passed.
#include "ld.h"

#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

enum { kRounds = 200 };
static const long kMs = 1000000;
static const long kBoundNs = 1000 * kMs;  // generous: 5 ms a wait

static long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static struct timespec one_ms = {0, 1000000};
static uint32_t word;
static int epfd, tfd;

// Each wait returns what it should (0, or -1 with the errno given).
static int w_nanosleep(void) { return nanosleep(&one_ms, NULL); }
static int w_clock_nanosleep(void) { return clock_nanosleep(CLOCK_MONOTONIC, 0, &one_ms, NULL); }
static int w_clock_nanosleep_abs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  t.tv_nsec += kMs;
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000L;
  }
  return clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
}
static int w_futex(void) {
  return (int)syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &one_ms, NULL, 0);
}
static int w_poll(void) { return poll(NULL, 0, 1); }
static int w_select(void) {
  struct timeval tv = {0, 1000};
  return select(0, NULL, NULL, NULL, &tv);
}
static int w_epoll(void) {
  struct epoll_event ev;
  return epoll_wait(epfd, &ev, 1, 1);
}
static int w_timerfd(void) {
  struct itimerspec its = {{0, 0}, {0, 1000000}};
  if (timerfd_settime(tfd, 0, &its, NULL) != 0) return -1;
  uint64_t n;
  return read(tfd, &n, sizeof n) == sizeof n && n == 1 ? 0 : -1;
}
static int w_sigtimedwait(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  return sigtimedwait(&set, NULL, &one_ms);
}

static void run(const char* what, int (*wait)(void), int want_errno) {
  long total = 0;
  int early = 0, wrong = 0;
  for (int i = 0; i < kRounds; i++) {
    errno = 0;
    const long t0 = now_ns();
    const int r = wait();
    const long took = now_ns() - t0;
    total += took;
    if (took < kMs) early++;
    if (want_errno ? (r != -1 || errno != want_errno) : r != 0) wrong++;
  }
  printf("%s: %d wrong results, %d early", what, wrong, early);
  if (total < kBoundNs)
    printf(", %d waits of 1 ms under 1 s\n", kRounds);
  else
    printf(", %d waits of 1 ms took %ld ms\n", kRounds, total / kMs);
}

int main(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  epfd = epoll_create1(0);
  tfd = timerfd_create(CLOCK_MONOTONIC, 0);
  if (epfd < 0 || tfd < 0) {
    perror("setup");
    return 1;
  }
  run("nanosleep", w_nanosleep, 0);
  run("clock_nanosleep", w_clock_nanosleep, 0);
  run("clock_nanosleep abs", w_clock_nanosleep_abs, 0);
  run("futex wait", w_futex, ETIMEDOUT);
  run("poll", w_poll, 0);
  run("select", w_select, 0);
  run("epoll_wait", w_epoll, 0);
  run("timerfd read", w_timerfd, 0);
  run("sigtimedwait", w_sigtimedwait, EAGAIN);
  return 0;
}
