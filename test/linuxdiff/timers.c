// Interval and POSIX timers without handlers: setitimer/getitimer
// (ITIMER_REAL), alarm, timer_create/settime/gettime/delete with
// SIGEV_NONE and SIGEV_SIGNAL, their errors, and their lifetimes: fork
// clears them in the child, exec keeps ITIMER_REAL and deletes POSIX
// timers. An expiry's default action ends a process blocked in a read.
// Times are printed as verdicts (ranges), never as values.
#include "ld.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static long tv_us(struct timeval tv) { return tv.tv_sec * 1000000L + tv.tv_usec; }
static long ts_us(struct timespec ts) { return ts.tv_sec * 1000000L + ts.tv_nsec / 1000; }

static int in_range(long v, long lo, long hi) { return v > lo && v <= hi; }

static void itimers(void) {
  struct itimerval v, old;
  say("getitimer at start", getitimer(ITIMER_REAL, &v));
  printf("  value %ld interval %ld\n", tv_us(v.it_value), tv_us(v.it_interval));
  struct itimerval set = {{1, 0}, {5, 0}};
  say("setitimer 5 s every 1 s", setitimer(ITIMER_REAL, &set, &old));
  printf("  old value %ld interval %ld\n", tv_us(old.it_value), tv_us(old.it_interval));
  getitimer(ITIMER_REAL, &v);
  printf("  value in (4 s, 5 s] %d, interval %ld\n", in_range(tv_us(v.it_value), 4000000, 5000000),
         tv_us(v.it_interval));
  struct itimerval zero = {{0, 0}, {0, 0}};
  say("setitimer 0 disarms", setitimer(ITIMER_REAL, &zero, &old));
  printf("  old value in (4 s, 5 s] %d, old interval %ld\n",
         in_range(tv_us(old.it_value), 4000000, 5000000), tv_us(old.it_interval));
  getitimer(ITIMER_REAL, &v);
  printf("  value %ld interval %ld\n", tv_us(v.it_value), tv_us(v.it_interval));
  // An interval without a value does not arm it.
  struct itimerval only_interval = {{1, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &only_interval, NULL);
  getitimer(ITIMER_REAL, &v);
  printf("interval alone: value %ld interval %ld\n", tv_us(v.it_value), tv_us(v.it_interval));

  struct itimerval bad_us = {{0, 0}, {0, 1000000}};
  say("setitimer usec 1000000", setitimer(ITIMER_REAL, &bad_us, NULL));
  struct itimerval neg = {{0, 0}, {-1, 0}};
  say("setitimer negative", setitimer(ITIMER_REAL, &neg, NULL));
  say("setitimer which 7", syscall(SYS_setitimer, 7, &set, NULL));
  say("setitimer bad pointer", syscall(SYS_setitimer, ITIMER_REAL, (void*)8, NULL));
  say("getitimer bad pointer", syscall(SYS_getitimer, ITIMER_REAL, (void*)8));
  say("getitimer which 7", syscall(SYS_getitimer, 7, &v));

  say("alarm 10", alarm(10));
  say("alarm 3 (10 left)", alarm(3));
  say("alarm 0 (3 left)", alarm(0));
  say("alarm 0 (none left)", alarm(0));
}

// The child's timers after fork: none, whatever the parent has armed.
static void fork_clears(void) {
  alarm(100);
  timer_t t;
  struct sigevent ev = {.sigev_notify = SIGEV_NONE};
  timer_create(CLOCK_MONOTONIC, &ev, &t);
  struct itimerspec in_10s = {{0, 0}, {10, 0}};
  timer_settime(t, 0, &in_10s, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    struct itimerval v;
    getitimer(ITIMER_REAL, &v);
    printf("fork: child's itimer value %ld\n", tv_us(v.it_value));
    struct itimerspec s;
    errno = 0;
    int r = timer_gettime(t, &s);
    printf("fork: child's timer_gettime %d %s\n", r, r < 0 ? strerrorname_np(errno) : "");
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  alarm(0);
  timer_delete(t);
}

static void posix_timers(void) {
  timer_t t;
  struct sigevent ev = {.sigev_notify = SIGEV_NONE};
  say("timer_create SIGEV_NONE", timer_create(CLOCK_MONOTONIC, &ev, &t));
  struct itimerspec s, old;
  timer_gettime(t, &s);
  printf("  unarmed: value %ld interval %ld\n", ts_us(s.it_value), ts_us(s.it_interval));
  struct itimerspec once = {{0, 0}, {0, 100 * 1000000}};
  say("timer_settime 100 ms", timer_settime(t, 0, &once, &old));
  timer_gettime(t, &s);
  printf("  value in (0, 100 ms] %d\n", in_range(ts_us(s.it_value), 0, 100000));
  nap_ms(200);
  timer_gettime(t, &s);
  printf("  expired: value %ld\n", ts_us(s.it_value));
  struct itimerspec periodic = {{0, 50 * 1000000}, {0, 50 * 1000000}};
  timer_settime(t, 0, &periodic, NULL);
  nap_ms(120);
  timer_gettime(t, &s);
  printf("  periodic: value in (0, 50 ms] %d, interval %ld\n",
         in_range(ts_us(s.it_value), 0, 50000), ts_us(s.it_interval));
  // An absolute deadline on the timer's clock.
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  struct itimerspec at = {{0, 0}, {now.tv_sec + 2, now.tv_nsec}};
  timer_settime(t, TIMER_ABSTIME, &at, &old);
  printf("  old: interval %ld\n", ts_us(old.it_interval));
  timer_gettime(t, &s);
  printf("  absolute: value in (1 s, 2 s] %d\n", in_range(ts_us(s.it_value), 1000000, 2000000));
  struct itimerspec bad = {{0, 0}, {0, 1000000000}};
  say("timer_settime nsec 1e9", timer_settime(t, 0, &bad, NULL));
  say("timer_settime flags 2", timer_settime(t, 2, &once, NULL));
  say("timer_settime bad pointer", timer_settime(t, 0, (void*)8, NULL));
  say("timer_gettime bad pointer", timer_gettime(t, (void*)8));
  say("timer_getoverrun", timer_getoverrun(t));
  say("timer_delete", timer_delete(t));
  say("timer_delete again", syscall(SYS_timer_delete, (long)(intptr_t)t));
  say("timer_settime no such timer", syscall(SYS_timer_settime, 4321, 0, &once, NULL));
  say("timer_gettime no such timer", syscall(SYS_timer_gettime, 4321, &s));
  say("timer_getoverrun no such timer", syscall(SYS_timer_getoverrun, 4321));
  say("timer_create clock 99", timer_create(99, &ev, &t));
  struct sigevent bad_sig = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = 0};
  say("timer_create signal 0", timer_create(CLOCK_REALTIME, &bad_sig, &t));
  bad_sig.sigev_signo = 65;
  say("timer_create signal 65", timer_create(CLOCK_REALTIME, &bad_sig, &t));
  int id;
  say("timer_create bad sigevent", syscall(SYS_timer_create, CLOCK_REALTIME, (void*)8, &id));
  say("timer_create bad id pointer", syscall(SYS_timer_create, CLOCK_REALTIME, &ev, (void*)8));
}

// A child blocked in a read; the timer's signal (default action: end the
// process) ends it, not before the timer is due.
static void expiry_kills(const char* what, int use_posix, int sig) {
  int p[2];
  if (pipe(p) != 0) return;
  const long t0 = now_ms();
  pid_t pid = fork();
  if (pid == 0) {
    if (use_posix) {
      timer_t t;
      struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = sig};
      timer_create(CLOCK_REALTIME, use_posix == 2 ? NULL : &ev, &t);
      struct itimerspec in = {{0, 0}, {0, 100 * 1000000}};
      timer_settime(t, 0, &in, NULL);
    } else {
      struct itimerval in = {{0, 0}, {0, 100000}};
      setitimer(ITIMER_REAL, &in, NULL);
    }
    char c;
    (void)!read(p[0], &c, 1);  // nobody writes
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  const long took = now_ms() - t0;
  printf("%s: %s %d, not early %d\n", what, WIFSIGNALED(st) ? "signal" : "exit",
         WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), took >= 100);
  close(p[0]);
  close(p[1]);
}

static volatile sig_atomic_t g_alarms;
static void on_alarm(int sig) {
  (void)sig;
  g_alarms++;
}

static volatile sig_atomic_t g_value, g_code;
static void on_timer(int sig, siginfo_t* si, void* uc) {
  (void)sig;
  (void)uc;
  g_value = si->si_value.sival_int;
  g_code = si->si_code;
}

// With handlers: a periodic ITIMER_REAL counts, an alarm ends a blocking
// read with EINTR (no SA_RESTART), and a POSIX timer's signal carries
// SI_TIMER and its sigev_value.
static void with_handlers(void) {
  struct sigaction sa = {.sa_handler = on_alarm};
  sigaction(SIGALRM, &sa, NULL);
  g_alarms = 0;
  struct itimerval every = {{0, 20000}, {0, 20000}};
  setitimer(ITIMER_REAL, &every, NULL);
  const long t0 = now_ms();
  while (g_alarms < 10 && now_ms() - t0 < 5000) pause();
  const long took = now_ms() - t0;
  struct itimerval zero = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &zero, NULL);
  printf("periodic 20 ms: 10 alarms %d, not early %d\n", g_alarms >= 10, took >= 190);

  int p[2];
  if (pipe(p) != 0) return;
  alarm(1);
  char c;
  errno = 0;
  ssize_t r = read(p[0], &c, 1);
  printf("alarm during a blocking read: %zd %s\n", r, r < 0 ? strerrorname_np(errno) : "");
  close(p[0]);
  close(p[1]);

  struct sigaction si = {.sa_sigaction = on_timer, .sa_flags = SA_SIGINFO};
  sigaction(SIGUSR2, &si, NULL);
  timer_t t;
  struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
  ev.sigev_value.sival_int = 4242;
  timer_create(CLOCK_MONOTONIC, &ev, &t);
  struct itimerspec in = {{0, 0}, {0, 30 * 1000000}};
  timer_settime(t, 0, &in, NULL);
  nap_ms(300);  // the handler runs during it (nap_ms sleeps on after it)
  printf("timer signal: si_code SI_TIMER %d, si_value %d\n", g_code == SI_TIMER, (int)g_value);
  timer_delete(t);
  signal(SIGALRM, SIG_DFL);
  signal(SIGUSR2, SIG_DFL);
}

static void exec_check(void) {
  struct itimerval v;
  getitimer(ITIMER_REAL, &v);
  printf("after exec: itimer armed %d\n", v.it_value.tv_sec > 0 || v.it_value.tv_usec > 0);
  alarm(0);
}

// exec keeps ITIMER_REAL and deletes POSIX timers: the child arms both, execs
// this program, which looks.
static void exec_keeps(const char* self) {
  pid_t pid = fork();
  if (pid == 0) {
    alarm(50);
    execl(self, self, "exec-check", (char*)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("exec child: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && strcmp(argv[1], "exec-check") == 0) {
    exec_check();
    return 0;
  }
  char buf[256];
  itimers();
  fork_clears();
  posix_timers();
  expiry_kills("ITIMER_REAL ends a blocked read", 0, SIGALRM);
  expiry_kills("timer_create SIGEV_SIGNAL SIGUSR1 ends a blocked read", 1, SIGUSR1);
  expiry_kills("timer_create without sigevent (SIGALRM)", 2, SIGALRM);
  exec_keeps(self_path(argv[0], buf, sizeof buf));
  with_handlers();
  return 0;
}
