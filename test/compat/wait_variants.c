// wait, waitpid (a pid, -1, 0 for the group, -pgid), wait3/wait4 with
// rusage, WNOHANG, WUNTRACED/WCONTINUED and the status macros.
#include "compat.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

static pid_t child(int code) {
  pid_t p = fork();
  if (p == 0) _exit(code);
  CHECK(p > 0);
  return p;
}

static pid_t sleeper(void) {
  pid_t p = fork();
  if (p == 0) {
    for (;;) pause();
  }
  CHECK(p > 0);
  return p;
}

int main(void) {
  int st;
  pid_t a = child(1);
  CHECK(waitpid(a, &st, 0) == a);
  printf("waitpid(pid): exited %d code %d\n", WIFEXITED(st), WEXITSTATUS(st));
  a = child(2);
  CHECK(waitpid(-1, &st, 0) == a);
  printf("waitpid(-1): code %d\n", WEXITSTATUS(st));
  a = child(3);
  CHECK(waitpid(0, &st, 0) == a);
  printf("waitpid(0): code %d\n", WEXITSTATUS(st));
  a = child(4);
  CHECK(waitpid(-getpgrp(), &st, 0) == a);
  printf("waitpid(-pgrp): code %d\n", WEXITSTATUS(st));
  // A child in another group is not waited for by pid 0.
  a = fork();
  if (a == 0) {
    setpgid(0, 0);
    _exit(5);
  }
  setpgid(a, a);  // either may win the race; both set the same group
  errno = 0;
  say("waitpid(0) with the only child in another group", waitpid(0, &st, 0));
  CHECK(waitpid(-a, &st, 0) == a);
  printf("waitpid(-its group): code %d\n", WEXITSTATUS(st));

  struct rusage ru;
  a = child(6);
  CHECK(wait4(a, &st, 0, &ru) == a);
  printf("wait4: code %d, rusage maxrss sane %d\n", WEXITSTATUS(st), ru.ru_maxrss >= 0);
  a = child(7);
  CHECK(wait3(&st, 0, &ru) == a);
  printf("wait3: code %d\n", WEXITSTATUS(st));
  a = child(8);
  CHECK(wait(&st) == a);
  printf("wait: code %d\n", WEXITSTATUS(st));
  CHECK(wait(NULL) == -1);
  printf("wait with none: %s\n", strerrorname_np(errno));

  pid_t s = sleeper();
  say("WNOHANG on a running child", waitpid(s, &st, WNOHANG));
  kill(s, SIGSTOP);
  CHECK(waitpid(s, &st, WUNTRACED) == s);
  printf("stopped %d by %d\n", WIFSTOPPED(st), WSTOPSIG(st));
  say("WUNTRACED again (reported once)", waitpid(s, &st, WUNTRACED | WNOHANG));
  kill(s, SIGCONT);
  CHECK(waitpid(s, &st, WCONTINUED) == s);
  printf("continued %d\n", WIFCONTINUED(st));
  kill(s, SIGKILL);
  CHECK(waitpid(s, &st, 0) == s);
  printf("killed: signaled %d sig %d core %d\n", WIFSIGNALED(st), WTERMSIG(st), WCOREDUMP(st));
  say("waitpid of a stranger", waitpid(1, &st, 0));
  say("waitpid with bad options", waitpid(-1, &st, 0x40000));
  return 0;
}
