// daemon(3): the caller's process ends at once with 0; the daemon goes on
// in a new session, not a group leader's child, in / unless asked to stay,
// with 0, 1 and 2 on /dev/null unless asked to keep them. It reports
// through a pipe it inherited.
#include "compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void report(int fd, int nochdir, int noclose) {
  pid_t parent_before = getpid();
  if (daemon(nochdir, noclose) != 0) _exit(1);
  char buf[256], cwd[128];
  struct stat null, s0, s1, s2;
  stat("/dev/null", &null);
  fstat(0, &s0);
  fstat(1, &s1);
  fstat(2, &s2);
  int on_null = s0.st_rdev == null.st_rdev && s1.st_rdev == null.st_rdev &&
                s2.st_rdev == null.st_rdev && S_ISCHR(s0.st_mode);
  int n = snprintf(buf, sizeof buf,
                   "daemon(%d,%d): new pid %d, sid==pid %d, cwd / %d, stdio on /dev/null %d\n",
                   nochdir, noclose, getpid() != parent_before, getsid(0) == getpid(),
                   strcmp(getcwd(cwd, sizeof cwd) ? cwd : "?", "/") == 0, on_null);
  (void)!write(fd, buf, n);
  _exit(0);
}

int main(void) {
  for (int mode = 0; mode < 4; mode++) {
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t k = fork();
    if (k == 0) {
      close(p[0]);
      CHECK(chdir("/tmp") == 0);
      report(p[1], mode & 1, (mode >> 1) & 1);
    }
    close(p[1]);
    int st;
    CHECK(waitpid(k, &st, 0) == k);
    printf("caller exited %d\n", WEXITSTATUS(st));
    char buf[256];
    ssize_t n, got = 0;
    while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0) got += n;
    buf[got] = 0;
    printf("%s", buf);
    close(p[0]);
  }
  return 0;
}
