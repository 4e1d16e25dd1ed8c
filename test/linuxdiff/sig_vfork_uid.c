// A vfork child killed by a signal while its parent waits in vfork: the
// parent is released and reaps it (status: killed by SIGTERM). And kill's
// permission and argument errors: EPERM from another uid, ESRCH, EINVAL.
// Run as root (the suites' machines run as root).
#include "ld.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

int main(void) {
  int p[2];
  if (pipe(p)) return 1;
  // The helper waits for the vfork child's pid, then kills it.
  pid_t helper = fork();
  if (helper == 0) {
    pid_t c;
    if (read(p[0], &c, sizeof c) != sizeof c) _exit(1);
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, 0);
    _exit(kill(c, SIGTERM) == 0 ? 0 : 2);
  }
  pid_t c = vfork();
  if (c == 0) {
    pid_t me = (pid_t)syscall(SYS_getpid);
    write(p[1], &me, sizeof me);
    for (;;) {
      struct timespec ts = {1, 0};
      syscall(SYS_nanosleep, &ts, 0);  // killed here, the parent still in vfork
    }
  }
  int st = 0;
  say("parent released, reaps the vfork child", waitpid(c, &st, 0) == c ? 0 : -1);
  printf("killed by SIGTERM: %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
  waitpid(helper, &st, 0);
  printf("helper: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

  // kill across uids: a process of uid 1000 may not signal root's.
  pid_t parent = getpid();
  pid_t u = fork();
  if (u == 0) {
    if (setuid(1000) != 0) _exit(10);
    int r = kill(parent, SIGUSR1);
    _exit(r == -1 && errno == EPERM ? 0 : 11);
  }
  waitpid(u, &st, 0);
  printf("uid 1000 signalling root: EPERM: %d\n", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  say("kill bad signal", kill(getpid(), 65));
  say("kill no such pid", kill(0x3ffffff, SIGUSR1));
  say("kill bad signal to nobody", kill(0x3ffffff, -1));
  return 0;
}
