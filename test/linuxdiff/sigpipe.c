// A write to a pipe with no reader: SIGPIPE's default action ends the
// writer (its status says SIGPIPE); with SIGPIPE ignored the write fails
// with EPIPE. A writer asleep in a full pipe when the last reader closes
// wakes: what went in before is its count, the next write is EPIPE (or the
// signal).
#include "ld.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void report(const char* what, int st) {
  if (WIFSIGNALED(st))
    printf("%s: signal %s\n", what, WTERMSIG(st) == SIGPIPE ? "SIGPIPE" : "other");
  else
    printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

// Writes to a pipe whose read end is already closed (the child's own pipe:
// no other process holds an end).
static void closed_reader(int ignore) {
  pid_t pid = fork();
  if (pid == 0) {
    int p[2];
    if (pipe(p) != 0) _exit(2);
    if (ignore) signal(SIGPIPE, SIG_IGN);
    close(p[0]);
    errno = 0;
    ssize_t r = write(p[1], "x", 1);
    printf("  write: %zd %s\n", r, r < 0 && errno == EPIPE ? "EPIPE" : "?");
    _exit(3);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  report(ignore ? "no reader, SIG_IGN" : "no reader, default", st);
}

// The writer fills the pipe and sleeps; then the reader closes.
static void blocked_writer(int ignore) {
  int p[2];
  if (pipe(p) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    static char buf[1 << 20];
    if (ignore) signal(SIGPIPE, SIG_IGN);
    close(p[0]);
    ssize_t first = write(p[1], buf, sizeof buf);
    errno = 0;
    ssize_t second = write(p[1], buf, 1);
    printf("  writes: first %s, second %zd %s\n",
           first > 0 && first < (ssize_t)sizeof buf ? "partial" : "?", second,
           second < 0 && errno == EPIPE ? "EPIPE" : "?");
    _exit(4);
  }
  close(p[1]);
  nap_ms(200);  // the child fills the pipe and sleeps in write
  close(p[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  report(ignore ? "reader closes on a blocked writer, SIG_IGN"
                : "reader closes on a blocked writer, default",
         st);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  closed_reader(0);
  closed_reader(1);
  blocked_writer(0);
  blocked_writer(1);
  return 0;
}
