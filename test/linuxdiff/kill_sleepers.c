// kill ends a process asleep in nanosleep, a pipe read, a pipe write or
// wait4 promptly (well before its 30 s sleep would end), with the signal as
// its end; a signal whose action is to ignore it does not end a nanosleep;
// clock_nanosleep (glibc's nanosleep) sleeps to an absolute deadline.
#include "ld.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { kPromptMs = 5000 };  // the sleeps last 30 s; QEMU may be slow

static void sleep_30s(void) {
  struct timespec ts = {30, 0};
  nanosleep(&ts, NULL);
}

// The sleeps; each returns only if the sleep ended without a signal.
static void in_nanosleep(int unused) {
  (void)unused;
  sleep_30s();
}

static void in_pipe_read(int unused) {
  (void)unused;
  int p[2];
  char c;
  if (pipe(p) != 0) return;
  (void)!read(p[0], &c, 1);  // nobody writes: the write end is ours
}

static void in_pipe_write(int unused) {
  (void)unused;
  int p[2];
  static char buf[1 << 20];
  if (pipe(p) != 0) return;
  (void)!write(p[1], buf, sizeof buf);  // nobody reads: it fills, then waits
}

// Tells the parent the grandchild's pid, then waits for it (it sleeps 30 s).
static void in_wait4(int report_fd) {
  pid_t g = fork();
  if (g == 0) {
    sleep_30s();
    _exit(0);
  }
  (void)!write(report_fd, &g, sizeof g);
  int st;
  waitpid(g, &st, 0);
}

static void kill_one(const char* name, void (*sleep_in)(int), int sig) {
  int ready[2], report[2];
  if (pipe(ready) != 0 || pipe(report) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    close(ready[0]);
    close(report[0]);
    (void)!write(ready[1], "r", 1);
    sleep_in(report[1]);
    _exit(0);
  }
  close(ready[1]);
  close(report[1]);
  char c;
  (void)!read(ready[0], &c, 1);
  pid_t grandchild = 0;
  if (sleep_in == in_wait4) (void)!read(report[0], &grandchild, sizeof grandchild);
  nap_ms(100);  // into its sleep
  const long t0 = now_ms();
  kill(pid, sig);
  int st = 0;
  waitpid(pid, &st, 0);
  const long took = now_ms() - t0;
  printf("%s, %s: %s %d, prompt %d\n", name, sig == SIGKILL ? "SIGKILL" : "SIGTERM",
         WIFSIGNALED(st) ? "signal" : "exit", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st),
         took < kPromptMs);
  if (grandchild > 0) {
    kill(grandchild, SIGKILL);
    nap_ms(50);  // init reaps it
  }
  close(ready[0]);
  close(report[0]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  kill_one("nanosleep", in_nanosleep, SIGKILL);
  kill_one("nanosleep", in_nanosleep, SIGTERM);
  kill_one("pipe read", in_pipe_read, SIGKILL);
  kill_one("pipe read", in_pipe_read, SIGTERM);
  kill_one("pipe write", in_pipe_write, SIGKILL);
  kill_one("wait4", in_wait4, SIGKILL);
  kill_one("wait4", in_wait4, SIGTERM);

  // SIGCHLD's default action is to ignore it: the sleep goes on to its end.
  pid_t pid = fork();
  if (pid == 0) {
    const long t0 = now_ms();
    struct timespec ts = {0, 300 * 1000000};
    const int r = nanosleep(&ts, NULL);
    _exit(r == 0 && now_ms() - t0 >= 300 ? 0 : 1);
  }
  nap_ms(50);
  kill(pid, SIGCHLD);
  int st = 0;
  waitpid(pid, &st, 0);
  printf("nanosleep, SIGCHLD ignored: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

  // An absolute deadline on the monotonic clock: not left before it.
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_nsec += 200 * 1000000;
  if (until.tv_nsec >= 1000000000) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000;
  }
  const int r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
  struct timespec after;
  clock_gettime(CLOCK_MONOTONIC, &after);
  printf("clock_nanosleep TIMER_ABSTIME: %d, not early %d\n", r,
         after.tv_sec > until.tv_sec ||
             (after.tv_sec == until.tv_sec && after.tv_nsec >= until.tv_nsec));
  return 0;
}
