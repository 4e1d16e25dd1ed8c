// posix_spawn's file actions: open onto a descriptor, dup2, close,
// chdir (glibc's addchdir_np) and the descriptors a child inherits.
#include "compat.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc > 1) {  // the spawned child: report its descriptors
    char line[64] = {0};
    ssize_t n = read(0, line, sizeof line - 1);
    printf("child: stdin gave %zd \"%.*s\"\n", n, (int)(n > 0 ? n - 1 : 0), line);
    for (int fd = 3; fd < 7; fd++) printf("child: fd %d open %d\n", fd, fcntl(fd, F_GETFD) >= 0);
    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd));
    printf("child: cwd ends in /sub %d\n", strlen(cwd) > 4 && strcmp(cwd + strlen(cwd) - 4, "/sub") == 0);
    printf("child: stdout to file\n");
    return 3;
  }
  const char* self = self_path(argv[0]);
  char dir[] = "/tmp/compatspawnXXXXXX";
  CHECK(mkdtemp(dir));
  CHECK(chdir(dir) == 0);
  CHECK(mkdir("sub", 0755) == 0);
  int in = open("input", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(in >= 0);
  CHECK(write(in, "hello\n", 6) == 6);
  close(in);
  int keep = open("input", O_RDONLY);           // inherited as it is
  int shut = open("input", O_RDONLY);           // closed by an action
  int cloexec = open("input", O_RDONLY | O_CLOEXEC);  // closed by exec
  CHECK(keep == 3 && shut == 4 && cloexec == 5);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "input", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 6, "output", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 6, 1);
  posix_spawn_file_actions_addclose(&fa, 4);
  posix_spawn_file_actions_addclose(&fa, 6);
  posix_spawn_file_actions_addchdir_np(&fa, "sub");
  char* args[] = {(char*)self, "child", NULL};
  pid_t p;
  // self is relative to the old cwd only under qemu when argv[0] is; it
  // is absolute on both (a build path, /bin/NAME).
  int err = posix_spawn(&p, self, &fa, NULL, args, environ);
  say_err("posix_spawn", err);
  int st;
  CHECK(waitpid(p, &st, 0) == p);
  printf("child exited %d\n", WEXITSTATUS(st));
  char buf[512] = {0};
  int out = open("output", O_RDONLY);
  CHECK(out >= 0);
  ssize_t n = read(out, buf, sizeof buf - 1);
  CHECK(n > 0);
  printf("the child's output file:\n%s", buf);
  posix_spawn_file_actions_destroy(&fa);
  printf("parent: fd 4 still open %d\n", fcntl(4, F_GETFD) >= 0);
  unlink("output");
  unlink("input");
  CHECK(chdir("/") == 0);
  char sub[64];
  snprintf(sub, sizeof sub, "%s/sub", dir);
  CHECK(rmdir(sub) == 0 && rmdir(dir) == 0);
  return 0;
}
