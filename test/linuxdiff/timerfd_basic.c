// timerfd: one-shot and periodic timers on CLOCK_MONOTONIC, REALTIME and
// BOOTTIME, TFD_TIMER_ABSTIME (a deadline in the past counts every
// interval since), expirations counted by read, gettime and settime's
// old value, poll, a timer shared across fork, EINTR, and bad input in
// Linux's order of checks. Times are printed only as ranges.
#include "ld.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#define MS 1000000L

static long rd(const char* what, int fd) {
  uint64_t v = 0;
  long r = read(fd, &v, sizeof v);
  if (r < 0) {
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
    return -1;
  }
  return (long)v;
}

static long ns_of(struct timespec ts) { return ts.tv_sec * 1000000000L + ts.tv_nsec; }

static struct itimerspec its(long value_ns, long interval_ns) {
  struct itimerspec t = {{interval_ns / 1000000000L, interval_ns % 1000000000L},
                         {value_ns / 1000000000L, value_ns % 1000000000L}};
  return t;
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  // Creation.
  say("create PROCESS_CPUTIME", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0));
  say("create bad flags", timerfd_create(CLOCK_MONOTONIC, 0x1));
  say("create bad clock", timerfd_create(42, 0));
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  printf("F_GETFL %#x F_GETFD %d\n", fcntl(fd, F_GETFL) & ~O_LARGEFILE, fcntl(fd, F_GETFD));
  char link[64] = {0}, path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  say("readlink", readlink(path, link, sizeof link - 1));
  printf("link %s\n", link);

  // Disarmed.
  struct itimerspec cur;
  say("gettime disarmed", timerfd_gettime(fd, &cur));
  printf("value %ld interval %ld\n", ns_of(cur.it_value), ns_of(cur.it_interval));
  rd("read disarmed", fd);

  // One shot, 100 ms.
  struct itimerspec t = its(100 * MS, 0);
  say("settime 100 ms", timerfd_settime(fd, 0, &t, 0));
  timerfd_gettime(fd, &cur);
  printf("remaining in (0, 100 ms]: %d, interval %ld\n",
         ns_of(cur.it_value) > 0 && ns_of(cur.it_value) <= 100 * MS, ns_of(cur.it_interval));
  struct pollfd p = {fd, POLLIN, 0};
  printf("poll now = %d\n", poll(&p, 1, 0));
  long t0 = now_ms();
  printf("poll wait = %d revents %#x\n", poll(&p, 1, 5000), p.revents);
  printf("waited >= 90 ms: %d\n", now_ms() - t0 >= 90);
  printf("read = %ld\n", rd("read", fd));
  rd("read again", fd);
  timerfd_gettime(fd, &cur);
  printf("expired one-shot: value %ld\n", ns_of(cur.it_value));

  // Blocking read of a periodic timer.
  int b = timerfd_create(CLOCK_BOOTTIME, 0);
  t = its(50 * MS, 30 * MS);
  timerfd_settime(b, 0, &t, 0);
  t0 = now_ms();
  long n = rd("blocking read", b);
  printf("first tick %ld after >= 40 ms: %d\n", n, now_ms() - t0 >= 40);
  nap_ms(200);
  n = rd("read after 200 ms", b);
  printf("ticks in [6, 9]: %d\n", n >= 6 && n <= 9);
  struct itimerspec old;
  t = its(0, 0);
  say("disarm", timerfd_settime(b, 0, &t, &old));
  printf("old remaining in (0, 30 ms]: %d, interval %ld\n",
         ns_of(old.it_value) > 0 && ns_of(old.it_value) <= 30 * MS, ns_of(old.it_interval));

  // An absolute deadline 55 ms ago, every 10 ms: 6 expirations at once.
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long abs_ns = ns_of(now) - 55 * MS;
  t = its(abs_ns, 10 * MS);
  say("settime ABSTIME past", timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, 0));
  n = rd("read", fd);
  printf("caught up: %ld\n", n);
  // A realtime one in the future, then replaced: its expiries never come.
  int r = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
  clock_gettime(CLOCK_REALTIME, &now);
  t = its(ns_of(now) + 60 * MS, 0);
  say("realtime ABSTIME + 60 ms", timerfd_settime(r, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &t, 0));
  rd("realtime read early", r);
  nap_ms(100);
  printf("realtime read = %ld\n", rd("realtime read", r));
  // Unread expirations are dropped by settime.
  t = its(1, 0);
  timerfd_settime(r, TFD_TIMER_ABSTIME, &t, 0);
  struct pollfd pr = {r, POLLIN, 0};
  printf("poll past deadline = %d\n", poll(&pr, 1, 0));
  t = its(0, 0);
  timerfd_settime(r, 0, &t, 0);
  rd("read after disarm", r);
  close(r);

  // Shared across fork: the child's read takes the parent's expirations.
  t = its(50 * MS, 0);
  timerfd_settime(b, 0, &t, 0);
  pid_t pid = fork();
  if (pid == 0) _exit(rd("child read", b) == 1 ? 0 : 1);
  int status;
  waitpid(pid, &status, 0);
  printf("child status %d\n", WEXITSTATUS(status));
  int nb = fcntl(b, F_SETFL, O_NONBLOCK);
  say("set nonblock", nb);
  rd("parent read after child", b);
  fcntl(b, F_SETFL, 0);

  // A signal ends a blocked read of a disarmed timer: EINTR.
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, 0);
  alarm(1);
  rd("read disarmed, alarm", b);

  // Bad input, in Linux's order of checks.
  uint64_t v = 1;
  say("write", write(fd, &v, 8));
  say("write 0", write(fd, &v, 0));
  say("read 4", read(fd, &v, 4));
  t = its(0, 0);
  t.it_value.tv_nsec = 1000000000;
  say("settime nsec 1e9", timerfd_settime(fd, 0, &t, 0));
  t = its(0, 0);
  t.it_interval.tv_sec = -1;
  say("settime negative interval", timerfd_settime(fd, 0, &t, 0));
  t = its(MS, 0);
  say("settime bad flags", timerfd_settime(fd, 4, &t, 0));
  say("settime bad fd", timerfd_settime(99, 0, &t, 0));
  say("settime bad fd, bad value", timerfd_settime(99, 4, &t, 0));
  say("settime NULL new, bad fd", syscall(SYS_timerfd_settime, 99, 0, NULL, NULL));
  int pp[2];
  pipe(pp);
  say("settime on a pipe", timerfd_settime(pp[0], 0, &t, 0));
  say("gettime on a pipe", timerfd_gettime(pp[0], &cur));
  say("gettime bad fd", timerfd_gettime(99, &cur));
  say("gettime EFAULT", syscall(SYS_timerfd_gettime, fd, (void*)8));
  t = its(500 * MS, 0);
  say("settime, old EFAULT", syscall(SYS_timerfd_settime, fd, 0, &t, (void*)8));
  timerfd_gettime(fd, &cur);
  printf("set despite EFAULT: %d\n", ns_of(cur.it_value) > 0);
  close(pp[0]);
  close(pp[1]);
  close(fd);
  close(b);
  return 0;
}
