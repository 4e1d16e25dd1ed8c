/* Scheduling attributes: CPU affinity, policies and parameters, nice
 * values (getpriority's 20 - nice encoding through the raw call), their
 * errno in Linux's order, inheritance by a fork child, and an unprivileged
 * caller's limits. Prints nothing that depends on the number of CPUs. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ld.h"

static int count(const cpu_set_t *s) { return CPU_COUNT(s); }

static void affinity(void) {
  cpu_set_t all, one, none;
  long r = syscall(SYS_sched_getaffinity, 0, sizeof all, &all);
  printf("getaffinity: %s, returns a multiple of 8: %d\n", r > 0 ? "ok" : strerror(errno),
         r > 0 && r % 8 == 0);
  int cpu = sched_getcpu();
  printf("running cpu in the set: %d\n", cpu >= 0 && CPU_ISSET(cpu, &all));
  show_ret("getaffinity len 0", syscall(SYS_sched_getaffinity, 0, 0, &all));
  show_ret("getaffinity len 4", syscall(SYS_sched_getaffinity, 0, 4, &all));
  show_ret("getaffinity len 12", syscall(SYS_sched_getaffinity, 0, 12, &all));
  show_ret("getaffinity bad pointer", syscall(SYS_sched_getaffinity, 0, sizeof all, (void *)8));
  show_ret("getaffinity no such pid", syscall(SYS_sched_getaffinity, 999999, sizeof all, &all));
  CPU_ZERO(&none);
  show_ret("setaffinity empty", sched_setaffinity(0, sizeof none, &none));
  CPU_SET(1000, &none);
  show_ret("setaffinity offline only", sched_setaffinity(0, sizeof none, &none));
  show_ret("setaffinity bad pointer", syscall(SYS_sched_setaffinity, 0, sizeof all, (void *)8));
  show_ret("setaffinity short mask", syscall(SYS_sched_setaffinity, 0, 4, &all));
  show_ret("setaffinity no such pid", sched_setaffinity(999999, sizeof all, &all));
  show_ret("setaffinity same set", sched_setaffinity(0, sizeof all, &all));
  /* Pin to the highest CPU allowed, then to the lowest: we run there. */
  int hi = -1, lo = -1;
  for (int i = 0; i < CPU_SETSIZE; i++)
    if (CPU_ISSET(i, &all)) {
      if (lo < 0) lo = i;
      hi = i;
    }
  int ok = 1;
  for (int pass = 0; pass < 2; pass++) {
    int want = pass ? lo : hi;
    CPU_ZERO(&one);
    CPU_SET(want, &one);
    CPU_SET(1000, &one); /* offline bits beside an online one are ignored */
    if (sched_setaffinity(0, sizeof one, &one) != 0) ok = 0;
    for (int i = 0; i < 50; i++) {
      if (sched_getcpu() != want) ok = 0;
      sched_yield();
    }
    cpu_set_t got;
    if (sched_getaffinity(0, sizeof got, &got) != 0 || count(&got) != 1 || !CPU_ISSET(want, &got))
      ok = 0;
  }
  printf("pinned runs there: %d\n", ok);
  /* A fork child inherits the set. */
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    cpu_set_t got;
    int inherit = sched_getaffinity(0, sizeof got, &got) == 0 && count(&got) == 1 &&
                  CPU_ISSET(lo, &got) && sched_getcpu() == lo;
    printf("child inherits the set: %d\n", inherit);
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  show_ret("back to all", sched_setaffinity(0, sizeof all, &all));
  cpu_set_t back;
  sched_getaffinity(0, sizeof back, &back);
  printf("set is all again: %d\n", CPU_EQUAL(&back, &all));
}

static void policies(void) {
  static const int pol[] = {SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, 4, SCHED_IDLE, 6, 7, -1};
  for (unsigned i = 0; i < sizeof pol / sizeof pol[0]; i++) {
    long mx = syscall(SYS_sched_get_priority_max, pol[i]);
    int e1 = errno;
    long mn = syscall(SYS_sched_get_priority_min, pol[i]);
    int e2 = errno;
    printf("policy %d: max %ld%s min %ld%s\n", pol[i], mx, mx < 0 ? strerror(e1) : "", mn,
           mn < 0 ? strerror(e2) : "");
  }
  show_ret("getscheduler self", sched_getscheduler(0));
  show_ret("getscheduler -1", sched_getscheduler(-1));
  show_ret("getscheduler no such pid", sched_getscheduler(999999));
  struct sched_param sp = {0};
  show_ret("getparam", sched_getparam(0, &sp));
  printf("priority %d\n", sp.sched_priority);
  show_ret("getparam NULL", syscall(SYS_sched_getparam, 0, NULL));
  show_ret("getparam bad pointer", syscall(SYS_sched_getparam, 0, (void *)8));
  show_ret("getparam -1", syscall(SYS_sched_getparam, -1, &sp));
  sp.sched_priority = 5;
  show_ret("other with priority 5", sched_setscheduler(0, SCHED_OTHER, &sp));
  show_ret("fifo with priority 0", sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){0}));
  show_ret("fifo with priority 100", sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){100}));
  show_ret("policy 4", sched_setscheduler(0, 4, &(struct sched_param){0}));
  show_ret("policy -2", syscall(SYS_sched_setscheduler, 0, -2, &sp));
  show_ret("deadline", sched_setscheduler(0, SCHED_DEADLINE, &(struct sched_param){0}));
  show_ret("NULL param", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL));
  show_ret("bad param", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, (void *)8));
  show_ret("no such pid", sched_setscheduler(999999, SCHED_OTHER, &(struct sched_param){0}));
  show_ret("batch", sched_setscheduler(0, SCHED_BATCH, &(struct sched_param){0}));
  show_ret("getscheduler", sched_getscheduler(0));
  show_ret("setparam 1", sched_setparam(0, &(struct sched_param){1}));
  show_ret("setparam 0", sched_setparam(0, &(struct sched_param){0}));
  show_ret("other with reset-on-fork",
       sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &(struct sched_param){0}));
  show_ret("getscheduler", sched_getscheduler(0));
  show_ret("setparam keeps reset-on-fork", sched_setparam(0, &(struct sched_param){0}));
  show_ret("getscheduler", sched_getscheduler(0));
  show_ret("batch with reset-on-fork",
       sched_setscheduler(0, SCHED_BATCH | SCHED_RESET_ON_FORK, &(struct sched_param){0}));
  show_ret("nice -3", setpriority(PRIO_PROCESS, 0, -3));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    /* Reset on fork: the flag goes, a negative nice becomes 0, batch stays. */
    show_ret("child getscheduler", sched_getscheduler(0));
    show_ret("child getpriority raw", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  show_ret("getscheduler", sched_getscheduler(0));
  show_ret("getpriority raw", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  show_ret("other", sched_setscheduler(0, SCHED_OTHER, &(struct sched_param){0}));
  show_ret("getscheduler", sched_getscheduler(0));
  show_ret("nice 0", setpriority(PRIO_PROCESS, 0, 0));
}

static void nice_values(void) {
  /* The run may start niced (a build machine's nice): begin from 0. */
  show_ret("root sets 0", setpriority(PRIO_PROCESS, 0, 0));
  show_ret("getpriority raw", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  show_ret("which 3", syscall(SYS_getpriority, 3, 0));
  show_ret("which -1", syscall(SYS_setpriority, -1, 0, 0));
  show_ret("no such pid", syscall(SYS_getpriority, PRIO_PROCESS, 999999));
  show_ret("set 5", setpriority(PRIO_PROCESS, 0, 5));
  show_ret("getpriority raw", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  show_ret("set 100 (clamped)", setpriority(PRIO_PROCESS, 0, 100));
  show_ret("getpriority raw", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  /* Only "found": under qemu-user the group also holds qemu's own helper
   * thread, whose nice is the one the run started with. */
  show_ret("own group", syscall(SYS_getpriority, PRIO_PGRP, 0) > 0);
  show_ret("own user", syscall(SYS_getpriority, PRIO_USER, 0) > 0);
  show_ret("no such group", syscall(SYS_getpriority, PRIO_PGRP, 999999));
  show_ret("set 3", setpriority(PRIO_PROCESS, 0, 3));
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    show_ret("child inherits", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    /* Unprivileged: a higher nice is fine, a lower one EACCES; another
     * user's process EPERM. */
    if (setresuid(1000, 1000, 1000) != 0) printf("setresuid failed\n");
    show_ret("child up to 7", setpriority(PRIO_PROCESS, 0, 7));
    show_ret("child down to 6", setpriority(PRIO_PROCESS, 0, 6));
    show_ret("child same 7", setpriority(PRIO_PROCESS, 0, 7));
    show_ret("child nice parent", setpriority(PRIO_PROCESS, getppid(), 10));
    show_ret("child affinity of parent",
         sched_setaffinity(getppid(), sizeof(cpu_set_t), &(cpu_set_t){{1}}));
    show_ret("child fifo", sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){1}));
    show_ret("child getpriority raw", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  show_ret("parent still", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  show_ret("root lowers", setpriority(PRIO_PROCESS, 0, -5));
  show_ret("getpriority raw", syscall(SYS_getpriority, PRIO_PROCESS, 0));
  show_ret("back to 0", setpriority(PRIO_PROCESS, 0, 0));
}

int main(void) {
  affinity();
  policies();
  nice_values();
  return 0;
}
