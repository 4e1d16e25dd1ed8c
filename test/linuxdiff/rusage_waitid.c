/* waitid's fifth argument, Linux's struct rusage: the child's usage when
 * a child was found, untouched when WNOHANG found none, EFAULT (after the
 * child is reaped) for a bad pointer. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double secs(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}
static volatile unsigned long sink;
static void burn(double s) {
  double start = secs(CLOCK_THREAD_CPUTIME_ID);
  while (secs(CLOCK_THREAD_CPUTIME_ID) - start < s)
    for (int i = 0; i < 100000; i++) sink += i;
}
static double cpu(const struct rusage *r) {
  return r->ru_utime.tv_sec + r->ru_utime.tv_usec / 1e6 + r->ru_stime.tv_sec +
         r->ru_stime.tv_usec / 1e6;
}
static long waitid_ru(idtype_t t, id_t id, siginfo_t *si, int options, struct rusage *ru) {
  return syscall(SYS_waitid, t, id, si, options, ru);
}

int main(void) {
  int pfd[2];
  if (pipe(pfd) != 0) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    if (read(pfd[0], &c, 1) != 1) _exit(3);
    burn(0.1);
    _exit(7);
  }
  siginfo_t si;
  struct rusage ru, fill;
  memset(&fill, 0x55, sizeof fill);
  ru = fill;
  memset(&si, 0, sizeof si);
  long r = waitid_ru(P_PID, pid, &si, WEXITED | WNOHANG, &ru);
  printf("nothing yet: %ld, pid %d, rusage untouched: %d\n", r, si.si_pid != 0,
         memcmp(&ru, &fill, sizeof ru) == 0);
  if (write(pfd[1], "x", 1) != 1) return 1;
  r = waitid_ru(P_PID, pid, &si, WEXITED | WNOWAIT, &ru);
  printf("WNOWAIT: %ld, code %d status %d, rusage >= 0.09 s: %d\n", r, si.si_code, si.si_status,
         cpu(&ru) >= 0.09);
  ru = fill;
  r = waitid_ru(P_PID, pid, &si, WEXITED, &ru);
  printf("reaped: %ld, rusage >= 0.09 s: %d, never-filled zero: %d\n", r, cpu(&ru) >= 0.09,
         ru.ru_ixrss == 0 && ru.ru_nswap == 0 && ru.ru_nsignals == 0);

  pid = fork();
  if (pid == 0) _exit(0);
  struct timespec nap = {0, 50000000};
  nanosleep(&nap, NULL);
  errno = 0;
  r = waitid_ru(P_ALL, 0, &si, WEXITED, (struct rusage *)8);
  printf("bad rusage pointer: %ld %s\n", r, strerror(errno));
  errno = 0;
  r = waitid_ru(P_ALL, 0, &si, WEXITED | WNOHANG, NULL);
  printf("then: %ld %s\n", r, strerror(errno));
  return 0;
}
