// fork, _exit statuses, wait4 ordering and options, as a shell uses them.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int value = 7;
  pid_t kids[3];
  for (int i = 0; i < 3; i++) {
    kids[i] = fork();
    if (kids[i] == 0) {
      value += i;            // the child's copy only
      _exit(10 + value);
    }
  }
  printf("parent value %d\n", value);
  for (int i = 2; i >= 0; i--) {   // reap in reverse order of creation
    int st = 0;
    pid_t r = waitpid(kids[i], &st, 0);
    printf("child %d: reaped %s, exited %d, status %d\n", i, r == kids[i] ? "right" : "wrong",
           WIFEXITED(st), WEXITSTATUS(st));
  }
  errno = 0;
  printf("wait with no children: %d errno ECHILD %d\n", (int)wait(NULL), errno == ECHILD);

  int fds[2];
  if (pipe(fds) != 0) return 1;
  pid_t p = fork();
  if (p == 0) {
    char c;
    close(fds[1]);
    (void)!read(fds[0], &c, 1);   // waits for the parent's go
    _exit(3);
  }
  int st = 0;
  printf("WNOHANG on a running child: %d\n", (int)waitpid(p, &st, WNOHANG));
  (void)!write(fds[1], "g", 1);
  printf("after go: reaped %d status %d\n", waitpid(p, &st, 0) == p, WEXITSTATUS(st));

  // A child asleep in a read that never completes: SIGTERM's default
  // action ends it, whether it arrives before or during the sleep.
  if (pipe(fds) != 0) return 1;
  p = fork();
  if (p == 0) {
    char c;
    close(fds[1]);
    (void)!read(fds[0], &c, 1);
    _exit(0);
  }
  kill(p, SIGTERM);
  waitpid(p, &st, 0);
  printf("killed child: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
  printf("getppid in parent differs from pid: %d\n", getppid() != getpid());
  // -INT_MIN is no process group: ESRCH, not ECHILD (Linux's kernel_wait4).
  errno = 0;
  const pid_t r = waitpid(-2147483647 - 1, NULL, WNOHANG);
  printf("waitpid(INT_MIN) = %d %s\n", (int)r, r < 0 ? strerrorname_np(errno) : "");
  return 0;
}
