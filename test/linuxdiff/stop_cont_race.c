// SIGSTOP and SIGCONT sent back to back: the SIGCONT takes the stop back
// whether or not the child has acted on it yet, so the child always runs
// on. Three children: one asleep in nanosleep (its sleep goes on to the
// full second: the stop counts toward it), one spinning, one blocked in
// read. 300 back-to-back pairs to each, then the parent lets them finish
// and waits; a child left stopped would hang the wait (alarm ends it).
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void stop_cont(pid_t pid, int pairs) {
  for (int i = 0; i < pairs; i++) {
    kill(pid, SIGSTOP);
    kill(pid, SIGCONT);
  }
}

static void reap(const char* what, pid_t pid) {
  int st;
  pid_t r = waitpid(pid, &st, 0);
  printf("%s: reaped %d, exited %d, status %d\n", what, r == pid, WIFEXITED(st),
         WEXITSTATUS(st));
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  alarm(60);  // a child left stopped: SIGALRM ends the parent, the output differs

  // Asleep: nanosleep(1 s) goes on through the stops to the full second.
  pid_t sleeper = fork();
  if (sleeper == 0) {
    double t0 = now();
    struct timespec ts = {1, 0};
    int r = nanosleep(&ts, NULL);
    _exit(r == 0 && now() - t0 >= 1.0 ? 3 : 4);
  }
  usleep(200 * 1000);
  stop_cont(sleeper, 1);
  reap("sleeper, one pair", sleeper);

  sleeper = fork();
  if (sleeper == 0) {
    struct timespec ts = {1, 0};
    _exit(nanosleep(&ts, NULL) == 0 ? 3 : 4);
  }
  usleep(100 * 1000);
  stop_cont(sleeper, 300);
  reap("sleeper, 300 pairs", sleeper);

  // Spinning until told to stop through a pipe it polls.
  int p[2];
  if (pipe(p)) return 1;
  pid_t spinner = fork();
  if (spinner == 0) {
    close(p[1]);
    char c;
    volatile unsigned long n = 0;
    for (;;) {
      n++;
      if ((n & 0xffff) == 0) {
        struct timespec z = {0, 0};
        nanosleep(&z, NULL);
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(p[0], &rd);
        struct timeval tv = {0, 0};
        if (select(p[0] + 1, &rd, NULL, NULL, &tv) == 1 && read(p[0], &c, 1) == 1) _exit(5);
      }
    }
  }
  close(p[0]);
  usleep(50 * 1000);
  stop_cont(spinner, 300);
  if (write(p[1], "x", 1) != 1) return 1;
  reap("spinner, 300 pairs", spinner);

  // Blocked in read.
  int q[2];
  if (pipe(q)) return 1;
  pid_t reader = fork();
  if (reader == 0) {
    close(q[1]);
    char c;
    _exit(read(q[0], &c, 1) == 1 ? 6 : 7);
  }
  close(q[0]);
  usleep(50 * 1000);
  stop_cont(reader, 300);
  if (write(q[1], "y", 1) != 1) return 1;
  reap("reader, 300 pairs", reader);
  return 0;
}
