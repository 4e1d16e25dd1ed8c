// chdir and getcwd: relative opens follow the cwd, children inherit it, and
// the errors are Linux's (ENOENT, ENOTDIR, ERANGE, EFAULT).
#include "ld.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>

int main(int argc, char** argv) {
  (void)argc;
  char buf[256], self[256];
  const char* me = self_path(argv[0], self, sizeof self);
  say("chdir /", chdir("/"));
  printf("getcwd = %s\n", getcwd(buf, sizeof buf) ? buf : strerrorname_np(errno));
  say("chdir missing", chdir("/no/such/dir"));
  say("chdir a file", chdir(me));
  say("chdir bad pointer", chdir((const char*)8));
  say("getcwd too small", getcwd(buf, 1) ? 0 : -1);
  say("getcwd bad pointer", syscall(17, (char*)8, 64));

  // The directory of our own binary: open ourselves by a relative name.
  char dir[256];
  snprintf(dir, sizeof dir, "%s", me);
  char* slash = strrchr(dir, '/');
  *slash = '\0';
  say("chdir own dir", chdir(dir[0] ? dir : "/"));
  printf("getcwd is own dir = %d\n", getcwd(buf, sizeof buf) && !strcmp(buf, dir));
  int fd = open(slash + 1, O_RDONLY);
  say("open self relative", fd >= 0 ? 0 : -1);
  if (fd >= 0) close(fd);

  // A child inherits the cwd; its chdir does not move the parent's.
  pid_t pid = fork();
  if (pid == 0) {
    int f = open(slash + 1, O_RDONLY);
    _exit(f >= 0 && chdir("/") == 0 ? 0 : 1);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  say("child opened relative, then chdir /", WEXITSTATUS(st));
  fd = open(slash + 1, O_RDONLY);
  say("parent still in own dir", fd >= 0 ? 0 : -1);
  // ".." from there: the parent directory, by name.
  char up[256];
  snprintf(up, sizeof up, "%s", dir);
  *strrchr(up, '/') = '\0';
  say("chdir ..", chdir(".."));
  printf("getcwd is the parent = %d\n",
         getcwd(buf, sizeof buf) && !strcmp(buf, up[0] ? up : "/"));
  return 0;
}
