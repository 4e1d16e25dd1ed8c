// timer_create with SIGEV_THREAD_ID: the signal goes to the named thread
// (a raw CLONE_THREAD one here), not to the main thread, which blocks it;
// EINVAL for a tid outside the process and for a bad notify; the kernel
// takes SIGEV_THREAD as SIGEV_SIGNAL.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
               CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
static volatile int ctid, ptid, hits, hit_tid, stop;
static char stack[65536];

static void h(int s, siginfo_t* si, void* u) {
  (void)s; (void)u;
  hit_tid = syscall(SYS_gettid);
  if (si->si_code == SI_TIMER) hits++;
}

static int fn(void* arg) {
  (void)arg;
  while (!stop) ;
  syscall(SYS_exit, 0);
  return 0;
}

static long mk(int notify, int tid, timer_t* t) {
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = notify;
  ev.sigev_signo = SIGRTMIN;
  ev._sigev_un._tid = tid;
  long r = syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, t);
  return r < 0 ? -errno : r;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN, &sa, NULL);
  /* The thread starts with SIGRTMIN unblocked; then main blocks it. */
  clone(fn, stack + sizeof stack, FLAGS, NULL, &ptid, NULL, &ctid);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN);
  sigprocmask(SIG_BLOCK, &set, NULL);
  timer_t t;
  printf("bad tid: %ld\n", mk(SIGEV_THREAD_ID, 999999, &t));
  printf("tid 0: %ld\n", mk(SIGEV_THREAD_ID, 0, &t));
  printf("bad notify: %ld\n", mk(3, 0, &t));
  timer_t t2;
  printf("SIGEV_THREAD: %ld\n", mk(SIGEV_THREAD, 0, &t2));
  printf("thread id timer: %ld\n", mk(SIGEV_THREAD_ID, ptid, &t));
  struct itimerspec its = {{0, 20000000}, {0, 20000000}};
  syscall(SYS_timer_settime, t, 0, &its, NULL);
  while (hits < 3) ;
  memset(&its, 0, sizeof its);
  syscall(SYS_timer_settime, t, 0, &its, NULL);
  printf("hits in the thread: %d, main pending none: ", hit_tid == ptid);
  sigset_t p;
  sigpending(&p);
  printf("%d\n", !sigismember(&p, SIGRTMIN));
  stop = 1;
  while (ctid) ;
  return 0;
}
