// Orphans and zombies: a grandchild whose parent exits is reparented (its
// getppid changes) and is reaped by someone else; the parent of many
// zombies reaps them all, in any order; a killed parent's children live on.
#include "compat.h"

#include <signal.h>
#include <sys/wait.h>

int main(void) {
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t mid = fork();
  if (mid == 0) {
    pid_t me = getpid();
    pid_t g = fork();
    if (g == 0) {
      while (getppid() == me) nap_ms(1);
      char msg[64];
      int n = snprintf(msg, sizeof msg, "grandchild reparented, ppid changed %d\n", getppid() != me);
      (void)!write(p[1], msg, n);
      _exit(0);
    }
    _exit(3);
  }
  close(p[1]);
  int st;
  CHECK(waitpid(mid, &st, 0) == mid);
  printf("middle exited %d\n", WEXITSTATUS(st));
  char buf[128] = {0};
  ssize_t n, got = 0;
  while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0) got += n;
  printf("%s", buf);
  close(p[0]);
  errno = 0;
  printf("the grandchild is not ours to wait for: %d\n", waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);

  // 30 zombies at once.
  pid_t kids[30];
  for (int i = 0; i < 30; i++) {
    kids[i] = fork();
    if (kids[i] == 0) _exit(i);
  }
  nap_ms(50);
  int sum = 0, count = 0;
  pid_t r;
  while ((r = wait(&st)) > 0) {
    sum += WEXITSTATUS(st);
    count++;
  }
  printf("zombies reaped %d, statuses sum %d\n", count, sum);

  // A parent killed by SIGKILL: its child goes on and reports.
  CHECK(pipe(p) == 0);
  mid = fork();
  if (mid == 0) {
    pid_t me = getpid();
    pid_t g = fork();
    if (g == 0) {
      while (getppid() == me) nap_ms(1);
      (void)!write(p[1], "survivor\n", 9);
      _exit(0);
    }
    (void)!write(p[1], "forked, ", 8);
    for (;;) pause();
  }
  close(p[1]);
  char c[8];
  CHECK(read(p[0], c, 8) == 8);  // the grandchild exists
  kill(mid, SIGKILL);
  CHECK(waitpid(mid, &st, 0) == mid);
  printf("killed middle: signal %d\n", WTERMSIG(st));
  memset(buf, 0, sizeof buf);
  got = 0;
  while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0) got += n;
  printf("%s", buf);
  return 0;
}
