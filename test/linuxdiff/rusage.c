/* CPU time: getrusage (self, thread, children), times, the rusage wait4
 * hands back, and the CPU-time clocks (process, thread, another process's
 * through clock_getcpuclockid), with their errno. Prints only comparisons
 * that hold on any machine: work is measured on the CPU clocks
 * themselves, so a busy host changes nothing. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ld.h"

static double secs(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0) return -1;
  return ts.tv_sec + ts.tv_nsec / 1e9;
}
static double tv(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }
/* User plus system: how a kernel splits the spinning (clock reads are
 * syscalls on some) is its own business. */
static double cpu(const struct rusage *r) { return tv(r->ru_utime) + tv(r->ru_stime); }

/* Spins in user mode until the thread has used `s` seconds of CPU. */
static volatile unsigned long sink;
static void burn(double s) {
  double start = secs(CLOCK_THREAD_CPUTIME_ID);
  while (secs(CLOCK_THREAD_CPUTIME_ID) - start < s)
    for (int i = 0; i < 100000; i++) sink += i;
}

/* Linux's MAKE_PROCESS_CPUCLOCK: ~pid << 3 | which (| 4 for a thread). */
static clockid_t cpuclock(int pid, int which) { return (clockid_t)((unsigned)~pid << 3 | which); }

int main(void) {
  struct rusage self, thread, kids;
  burn(0.15);
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_THREAD, &thread);
  getrusage(RUSAGE_CHILDREN, &kids);
  printf("self >= 0.1 s: %d\n", cpu(&self) >= 0.1);
  printf("self <= process clock: %d\n", cpu(&self) <= secs(CLOCK_PROCESS_CPUTIME_ID) + 0.02);
  printf("thread >= 0.1 s, <= self + 0.02: %d\n",
         cpu(&thread) >= 0.1 && cpu(&thread) <= cpu(&self) + 0.02);
  printf("children before any: %ld %ld %ld %ld\n", (long)kids.ru_utime.tv_sec,
         (long)kids.ru_utime.tv_usec, (long)kids.ru_stime.tv_sec, (long)kids.ru_stime.tv_usec);
  printf("never-filled fields: %ld %ld %ld %ld %ld %ld %ld\n", self.ru_ixrss, self.ru_idrss,
         self.ru_isrss, self.ru_nswap, self.ru_msgsnd, self.ru_msgrcv, self.ru_nsignals);
  show_ret("who 2", syscall(SYS_getrusage, 2, &self));
  show_ret("who -2", syscall(SYS_getrusage, -2, &self));
  show_ret("bad pointer", syscall(SYS_getrusage, RUSAGE_SELF, (void *)8));

  /* Sleeping is not CPU time. */
  double before = secs(CLOCK_PROCESS_CPUTIME_ID);
  struct tms t0, t1;
  clock_t c0 = times(&t0);
  struct timespec nap = {0, 200000000};
  nanosleep(&nap, NULL);
  clock_t c1 = times(&t1);
  printf("a 0.2 s sleep costs < 0.05 s of CPU: %d\n", secs(CLOCK_PROCESS_CPUTIME_ID) - before < 0.05);
  printf("times() advanced by 0.15..1 s: %d\n", c1 - c0 >= 15 && c1 - c0 <= 100);
  printf("tms user+sys >= 0.1 s: %d, children 0: %d %d\n", t1.tms_utime + t1.tms_stime >= 10,
         (int)t1.tms_cutime,
         (int)t1.tms_cstime);
  show_ret("times(NULL) works", syscall(SYS_times, NULL) != -1 ? 0 : -1);

  /* A child's time: visible through its clock while it lives, through
   * wait4's rusage and RUSAGE_CHILDREN once reaped. */
  int pfd[2];
  if (pipe(pfd) != 0) return 1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    struct rusage ck;
    getrusage(RUSAGE_CHILDREN, &ck);
    struct tms ct;
    times(&ct);
    printf("child starts with own time < 0.05 s: %d, no children's: %d\n",
           secs(CLOCK_PROCESS_CPUTIME_ID) < 0.05,
           ck.ru_utime.tv_sec == 0 && ck.ru_utime.tv_usec == 0 && ct.tms_cutime == 0);
    fflush(stdout);
    /* A grandchild's time reaches us through our child. */
    pid_t g = fork();
    if (g == 0) {
      burn(0.1);
      _exit(0);
    }
    waitpid(g, NULL, 0);
    burn(0.1);
    if (write(pfd[1], "x", 1) != 1) _exit(2);
    pause();
    _exit(0);
  }
  char c;
  if (read(pfd[0], &c, 1) != 1) return 1;
  clockid_t cid;
  show_ret("clock_getcpuclockid(child)", clock_getcpuclockid(pid, &cid) == 0 ? 0 : -1);
  printf("child clock >= 0.1 s: %d\n", secs(cid) >= 0.1);
  struct timespec res;
  show_ret("child clock getres", clock_getres(cid, &res));
  kill(pid, SIGKILL);
  int status;
  struct rusage ru;
  memset(&ru, 0x55, sizeof ru);
  show_ret("wait4 reaps", wait4(pid, &status, 0, &ru) == pid ? 0 : -1);
  printf("killed: %d\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  printf("wait4 rusage >= 0.19 s (child and grandchild): %d, never-filled zero: %d\n",
         cpu(&ru) >= 0.19, ru.ru_ixrss == 0 && ru.ru_nsignals == 0);
  getrusage(RUSAGE_CHILDREN, &kids);
  printf("children now >= 0.19 s: %d\n", cpu(&kids) >= 0.19);
  printf("children's clock gone: %d\n", clock_gettime(cid, &res) == -1 && errno == EINVAL);
  struct tms t2;
  times(&t2);
  printf("tms children >= 0.19 s: %d\n", t2.tms_cutime + t2.tms_cstime >= 19);

  /* The clocks' ids and errno. */
  show_ret("getres process clock", clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res));
  printf("resolution %ld.%09ld\n", (long)res.tv_sec, res.tv_nsec);
  show_ret("getres thread clock", clock_getres(CLOCK_THREAD_CPUTIME_ID, &res));
  printf("resolution %ld.%09ld\n", (long)res.tv_sec, res.tv_nsec);
  show_ret("getres NULL", syscall(SYS_clock_getres, CLOCK_PROCESS_CPUTIME_ID, NULL));
  show_ret("gettime bad pointer", syscall(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, (void *)8));
  clockid_t mine;
  show_ret("clock_getcpuclockid(self)", clock_getcpuclockid(getpid(), &mine));
  printf("own clock >= 0.1 s: %d\n", secs(mine) >= 0.1);
  /* ~pid << 3 | which: which 3 is no CPU clock; a pid that is gone, EINVAL. */
  show_ret("which 3", syscall(SYS_clock_gettime, cpuclock(0, 3), &res));
  show_ret("no such pid", syscall(SYS_clock_gettime, cpuclock(999999, 2), &res));
  show_ret("own pid, PROF", syscall(SYS_clock_gettime, cpuclock(getpid(), 0), &res));
  printf("PROF >= 0.1 s: %d\n", res.tv_sec > 0 || res.tv_nsec >= 100000000);
  show_ret("own pid, VIRT", syscall(SYS_clock_gettime, cpuclock(getpid(), 1), &res));
  show_ret("thread clock by tid", syscall(SYS_clock_gettime, cpuclock((int)syscall(SYS_gettid), 6), &res));
  show_ret("thread clock of init", syscall(SYS_clock_gettime, cpuclock(1, 6), &res));
  return 0;
}
