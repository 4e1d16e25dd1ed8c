// Process groups and sessions across fork: setpgid by parent and child,
// setsid's rules, getpgid/getsid of others, kill of a group.
#include "compat.h"

#include <signal.h>
#include <sys/wait.h>

int main(void) {
  // A session of our own first, whatever ran us.
  if (getpgrp() != getpid()) CHECK(setsid() == getpid());
  printf("leader of a session: %d\n", getsid(0) == getpid());
  say("setsid as a session leader", setsid());
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t a = fork();
  if (a == 0) {
    char c;
    (void)!read(p[0], &c, 1);
    _exit(getpgid(0) == getpid() ? 1 : 2);
  }
  CHECK(setpgid(a, a) == 0);
  printf("child's group is its pid %d, same session %d\n", getpgid(a) == a, getsid(a) == getsid(0));
  pid_t b = fork();
  if (b == 0) {
    CHECK(setpgid(0, a) == 0);  // joins a's group
    char c;
    (void)!read(p[0], &c, 1);
    _exit(3);
  }
  // Wait until b has joined, then signal the whole group.
  while (getpgid(b) != a) nap_ms(1);
  CHECK(kill(-a, SIGTERM) == 0);
  int st;
  CHECK(waitpid(a, &st, 0) == a);
  printf("a: signaled %d %d\n", WIFSIGNALED(st), WTERMSIG(st));
  CHECK(waitpid(b, &st, 0) == b);
  printf("b: signaled %d %d\n", WIFSIGNALED(st), WTERMSIG(st));
  say("kill of a group now empty", kill(-a, SIGTERM));
  // A child that starts a session: it leads its session and group, has no
  // controlling terminal, and cannot be moved to our group.
  a = fork();
  if (a == 0) {
    pid_t s = setsid();
    close(p[1]);
    char c;
    (void)!read(p[0], &c, 1);
    _exit(s == getpid() ? 0 : 1);
  }
  while (getsid(a) != a) nap_ms(1);
  say("setpgid of a child in another session", setpgid(a, getpgrp()));
  say("setpgid of a stranger", setpgid(1, 1));
  say("setpgid to a group of another session", setpgid(0, a));
  close(p[1]);
  CHECK(waitpid(a, &st, 0) == a);
  printf("session child exited %d\n", WEXITSTATUS(st));
  return 0;
}
