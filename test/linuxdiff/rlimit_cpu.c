// RLIMIT_CPU: SIGXCPU at the soft limit and each second past it (the soft
// limit reads a second higher each time, as Linux's check_process_timers
// raises it), SIGKILL at the hard limit; a fork child inherits the limit
// and counts its own CPU time from zero. About 5 s of CPU time in all.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int g_fd;  // the pipe's write end: each SIGXCPU's report
static volatile sig_atomic_t g_exit_on_xcpu;

static long long cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

// Reports the CPU time (in tenths of a second, rounded down) and the soft
// limit seen at the signal.
static void on_xcpu(int sig) {
  (void)sig;
  struct rlimit r;
  getrlimit(RLIMIT_CPU, &r);
  long rep[2] = {(long)(cpu_ms() / 100), (long)r.rlim_cur};
  if (write(g_fd, rep, sizeof rep) != sizeof rep) _exit(3);
  if (g_exit_on_xcpu) _exit(0);
}

static void spin_ms(long long ms) {
  const long long end = cpu_ms() + ms;
  while (cpu_ms() < end) {
    for (volatile int i = 0; i < 20000; i++) {
    }
  }
}

static void setup(int fd, long soft, long hard) {
  g_fd = fd;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_xcpu;
  sigaction(SIGXCPU, &sa, NULL);
  struct rlimit r = {(rlim_t)soft, hard < 0 ? RLIM_INFINITY : (rlim_t)hard};
  if (setrlimit(RLIMIT_CPU, &r) != 0) {
    perror("setrlimit");
    _exit(2);
  }
}

static void print_reports(const char* who, int fd) {
  long rep[2];
  int n = 0;
  while (read(fd, rep, sizeof rep) == sizeof rep) {
    n++;
    // The n-th signal comes at n s of CPU time (the CPU clock that reads it
    // may lag or lead the limit's a little: qemu-user reads 0.9x s).
    const int near = rep[0] >= 10 * n - 2 && rep[0] <= 10 * n + 4;
    printf("%s: SIGXCPU %d at %d s of CPU %s, soft limit then %ld\n", who, n, n,
           near ? "yes" : "no", rep[1]);
    if (!near) printf("  (at %ld00 ms)\n", rep[0]);
  }
}

static void print_end(const char* who, int st) {
  if (WIFSIGNALED(st))
    printf("%s: killed by signal %d\n", who, WTERMSIG(st));
  else
    printf("%s: exit %d\n", who, WEXITSTATUS(st));
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  // Soft 1 s, hard 3 s: SIGXCPU at 1 and 2 s, SIGKILL at 3 s.
  int p[2];
  pipe(p);
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    setup(p[1], 1, 3);
    spin_ms(20000);
    _exit(1);
  }
  close(p[1]);
  print_reports("soft 1 hard 3", p[0]);
  int st;
  waitpid(pid, &st, 0);
  print_end("soft 1 hard 3", st);
  close(p[0]);

  // A child sets soft 1 s, spins 0.6 s, forks: the grandchild's SIGXCPU
  // comes at its own 1 s, not at 0.4 s.
  pipe(p);
  pid = fork();
  if (pid == 0) {
    close(p[0]);
    setup(p[1], 1, -1);
    g_exit_on_xcpu = 1;
    spin_ms(600);
    pid_t g = fork();
    if (g == 0) {
      spin_ms(20000);
      _exit(1);
    }
    int gst;
    waitpid(g, &gst, 0);
    _exit(WIFEXITED(gst) ? WEXITSTATUS(gst) : 100 + WTERMSIG(gst));
  }
  close(p[1]);
  print_reports("fork child of soft 1", p[0]);
  waitpid(pid, &st, 0);
  print_end("fork child of soft 1", st);

  struct rlimit r;
  getrlimit(RLIMIT_CPU, &r);
  printf("parent's own limit untouched: %s\n", r.rlim_cur == RLIM_INFINITY ? "yes" : "no");
  return 0;
}
