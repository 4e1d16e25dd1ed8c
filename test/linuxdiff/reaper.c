// prctl: a child subreaper adopts its orphaned descendants (and reaps
// them), PR_SET_PDEATHSIG's signal comes when the parent exits and is
// cleared in a fork child; bad arguments are EINVAL.
#include "ld.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int v = -1;
  say("PR_SET_CHILD_SUBREAPER", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
  say("PR_GET_CHILD_SUBREAPER", prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0));
  printf("subreaper: %d\n", v);
  say("PR_SET_PDEATHSIG 99", prctl(PR_SET_PDEATHSIG, 99, 0, 0, 0));
  say("prctl 9999", prctl(9999, 0, 0, 0, 0));
  pid_t me = getpid();

  // A forks B and C, then exits when C is ready: B and C come to us.
  int ready[2];
  if (pipe(ready)) return 1;
  pid_t a = fork();
  if (a == 0) {
    pid_t b = fork();
    if (b == 0) {
      close(ready[1]);
      close(ready[0]);
      while (getppid() != me) usleep(1000);
      _exit(7);
    }
    pid_t c = fork();
    if (c == 0) {
      prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
      int s = -1;
      prctl(PR_GET_PDEATHSIG, &s, 0, 0, 0);
      pid_t g = fork();  // a fork child has no death signal
      if (g == 0) {
        int t = -1;
        prctl(PR_GET_PDEATHSIG, &t, 0, 0, 0);
        _exit(t == 0 ? 0 : 1);
      }
      int gst;
      waitpid(g, &gst, 0);
      char msg = (s == SIGUSR1 && WIFEXITED(gst) && WEXITSTATUS(gst) == 0) ? 'y' : 'n';
      (void)!write(ready[1], &msg, 1);
      for (;;) pause();
    }
    char m;
    if (read(ready[0], &m, 1) != 1) m = '?';
    printf("death signal set and not inherited: %c\n", m);
    _exit(0);
  }
  close(ready[0]);
  close(ready[1]);
  int st;
  printf("A: %s\n", waitpid(a, &st, 0) == a && WIFEXITED(st) ? "exited" : "?");
  int exited7 = 0, usr1 = 0;
  pid_t r;
  while ((r = waitpid(-1, &st, 0)) > 0) {
    if (WIFEXITED(st) && WEXITSTATUS(st) == 7) exited7++;
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1) usr1++;
  }
  printf("adopted and reaped: B exited 7: %d, C killed by SIGUSR1: %d, then %s\n", exited7, usr1,
         strerrorname_np(errno));
  return 0;
}
