/* Real-time scheduling (SCHED_FIFO, SCHED_RR) as root, everything on one
 * CPU (affinity): a FIFO thread's work finishes before a SCHED_OTHER
 * spinner gets the CPU; equal-priority FIFO threads take turns at
 * sched_yield; a semaphore post wakes the highest-priority waiter, not the
 * longest; FIFO has no time slice, RR a 100 ms one; policy and priority
 * are inherited by fork (not with
 * SCHED_RESET_ON_FORK) and by threads; sched_rr_get_interval; the EINVAL
 * and EPERM cases, RLIMIT_RTPRIO for an unprivileged caller.
 *
 * Linux here is the host's (qemu-riscv64 passes the calls through); the
 * FIFO stretches are short, well inside Linux's RT throttling budget. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ld.h"

/* A fork child's policy and priority, as it prints them. */
static void report_fork_child(void) {
  pid_t pid = fork();
  if (pid == 0) {
    struct sched_param sp;
    show_ret("child getscheduler", sched_getscheduler(0));
    sched_getparam(0, &sp);
    printf("child priority %d\n", sp.sched_priority);
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

static int set_fifo(int prio) {
  return sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){prio});
}

/* 1. A FIFO thread's work before a SCHED_OTHER spinner. */
static volatile long spins;
static volatile int stop;

static void *spinner(void *arg) {
  (void)arg;
  while (!stop) spins++;
  return NULL;
}

static void fifo_before_other(void) {
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
  pthread_attr_setschedpolicy(&a, SCHED_OTHER);
  pthread_attr_setschedparam(&a, &(struct sched_param){0});
  show_ret("fifo 50", set_fifo(50));
  pthread_t t;
  show_ret("other spinner created", pthread_create(&t, &a, spinner, NULL));
  /* Work without blocking: the spinner, lower, waits on this CPU. */
  volatile unsigned long x = 1;
  for (long i = 0; i < 3000000; i++) x = x * 6364136223846793005ul + 1;
  long seen = spins;
  printf("spinner ran during the fifo work: %d\n", seen != 0);
  nap_ms(30); /* now it runs */
  printf("spinner ran while the fifo thread slept: %d\n", spins != 0);
  stop = 1;
  pthread_join(t, NULL);
  pthread_attr_destroy(&a);
}

/* 2. Equal-priority FIFO threads (inheriting the caller's) take turns at
 * sched_yield, in the order they became runnable. */
static volatile char order[64];
static volatile int norder;

static void *turns(void *arg) {
  char id = (char)(long)arg;
  for (int i = 0; i < 3; i++) {
    order[norder++] = id;
    sched_yield();
  }
  return NULL;
}

static void yield_ordering(void) {
  show_ret("fifo 10", set_fifo(10));
  pthread_t t[3];
  for (long i = 0; i < 3; i++) pthread_create(&t[i], NULL, turns, (void *)('A' + i));
  /* None runs before this thread blocks in the first join. */
  printf("threads ran before the join: %d\n", norder);
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  order[norder] = 0;
  printf("order %s\n", (const char *)order);
  int pol;
  struct sched_param sp;
  pthread_getschedparam(pthread_self(), &pol, &sp);
  printf("main policy %d priority %d\n", pol, sp.sched_priority);
}

/* 3. sem_post wakes the highest-priority waiter. They wait in the order
 * 5, 7, 6; they are woken 7, 6, 5. */
static sem_t sem;
static volatile int waiting;
static volatile char woken[8];
static volatile int nwoken;

static void *waiter(void *arg) {
  char id = (char)(long)arg;
  __atomic_add_fetch(&waiting, 1, __ATOMIC_SEQ_CST);
  sem_wait(&sem);
  woken[nwoken++] = id;
  return NULL;
}

static void sem_priority(void) {
  show_ret("fifo 20", set_fifo(20));
  sem_init(&sem, 0, 0);
  const int prio[3] = {5, 7, 6};
  pthread_t t[3];
  for (int i = 0; i < 3; i++) {
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&a, SCHED_FIFO);
    pthread_attr_setschedparam(&a, &(struct sched_param){prio[i]});
    int e = pthread_create(&t[i], &a, waiter, (void *)(long)('0' + prio[i]));
    pthread_attr_destroy(&a);
    if (e) {
      printf("create: %s\n", strerror(e));
      return;
    }
    while (waiting != i + 1) nap_ms(5);
    nap_ms(20); /* it blocks in sem_wait */
  }
  for (int i = 0; i < 3; i++) {
    sem_post(&sem);
    nap_ms(20); /* the woken one runs and records */
  }
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  woken[nwoken] = 0;
  printf("woken %s\n", (const char *)woken);
  sem_destroy(&sem);
}

/* 4. Two equal-priority threads, each busy for 250 ms (monotonic) from
 * when it starts: FIFO runs one to its end first; RR hands the CPU over
 * every 100 ms quantum, so both start before either ends. */
static volatile char slices[8];
static volatile int nslices;

static void *busy(void *arg) {
  char id = (char)(long)arg;
  slices[nslices++] = id;
  for (long t0 = now_ms(); now_ms() - t0 < 250;) {
  }
  slices[nslices++] = (char)(id - 'A' + 'a');
  return NULL;
}

static void time_slices(int policy) {
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
  pthread_attr_setschedpolicy(&a, policy);
  pthread_attr_setschedparam(&a, &(struct sched_param){10});
  nslices = 0;
  pthread_t t[2];
  int n = 0;
  for (long i = 0; i < 2; i++) {
    int e = pthread_create(&t[n], &a, busy, (void *)('A' + i));
    if (e)
      printf("create: %s\n", strerror(e));
    else
      n++;
  }
  for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
  slices[nslices] = 0;
  printf("%s: %s\n", policy == SCHED_FIFO ? "fifo" : "rr", (const char *)slices);
  pthread_attr_destroy(&a);
}

/* 5. Parameters, inheritance, errors. */
static void params(void) {
  struct sched_param sp = {0};
  struct timespec ts;
  show_ret("rr 30", sched_setscheduler(0, SCHED_RR, &(struct sched_param){30}));
  show_ret("getscheduler", sched_getscheduler(0));
  show_ret("getparam", sched_getparam(0, &sp));
  printf("priority %d\n", sp.sched_priority);
  show_ret("rr_get_interval", sched_rr_get_interval(0, &ts));
  printf("rr interval %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
  show_ret("rr_get_interval -1", syscall(SYS_sched_rr_get_interval, -1, &ts));
  show_ret("rr_get_interval no such pid", syscall(SYS_sched_rr_get_interval, 999999, &ts));
  show_ret("rr_get_interval bad pointer", syscall(SYS_sched_rr_get_interval, 0, (void *)8));
  show_ret("setparam 0 under rr", sched_setparam(0, &(struct sched_param){0}));
  show_ret("setparam 99", sched_setparam(0, &(struct sched_param){99}));
  show_ret("setparam 100", sched_setparam(0, &(struct sched_param){100}));
  show_ret("fifo 40", set_fifo(40));
  show_ret("rr_get_interval", sched_rr_get_interval(0, &ts));
  printf("fifo interval %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
  fflush(stdout);
  report_fork_child();
  show_ret("fifo 40 reset-on-fork",
       sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &(struct sched_param){40}));
  show_ret("getscheduler", sched_getscheduler(0));
  fflush(stdout);
  report_fork_child();
  /* Unprivileged: RLIMIT_RTPRIO (0 by default) bounds what it may set. */
  show_ret("fifo 40", set_fifo(40));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit rl;
    getrlimit(RLIMIT_RTPRIO, &rl);
    printf("child rtprio limit %ld %ld\n", (long)rl.rlim_cur, (long)rl.rlim_max);
    show_ret("child to other", sched_setscheduler(0, SCHED_OTHER, &(struct sched_param){0}));
    show_ret("child rtprio limit 10", setrlimit(RLIMIT_RTPRIO, &(struct rlimit){10, 10}));
    if (setresuid(1000, 1000, 1000) != 0) printf("setresuid failed\n");
    show_ret("child fifo 5", set_fifo(5));
    show_ret("child fifo 10", set_fifo(10));
    show_ret("child fifo 11", set_fifo(11));
    show_ret("child rr 3", sched_setscheduler(0, SCHED_RR, &(struct sched_param){3}));
    show_ret("child setparam 8", sched_setparam(0, &(struct sched_param){8}));
    show_ret("child rtprio limit 0", setrlimit(RLIMIT_RTPRIO, &(struct rlimit){0, 0}));
    show_ret("child setparam 2 (lower)", sched_setparam(0, &(struct sched_param){2}));
    show_ret("child setparam 3 (higher)", sched_setparam(0, &(struct sched_param){3}));
    show_ret("child fifo 1 (another policy)", set_fifo(1));
    show_ret("child idle", sched_setscheduler(0, SCHED_IDLE, &(struct sched_param){0}));
    show_ret("child back to other", sched_setscheduler(0, SCHED_OTHER, &(struct sched_param){0}));
    show_ret("child getscheduler", sched_getscheduler(0));
    show_ret("child parent fifo", sched_setscheduler(getppid(), SCHED_FIFO, &(struct sched_param){1}));
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  show_ret("other", sched_setscheduler(0, SCHED_OTHER, &(struct sched_param){0}));
  show_ret("getscheduler", sched_getscheduler(0));
  sched_getparam(0, &sp);
  printf("priority %d\n", sp.sched_priority);
}

int main(void) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(0, &one);
  show_ret("affinity cpu 0", sched_setaffinity(0, sizeof one, &one));
  fifo_before_other();
  yield_ordering();
  sem_priority();
  time_slices(SCHED_FIFO);
  time_slices(SCHED_RR);
  params();
  return 0;
}
