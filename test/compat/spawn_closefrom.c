// glibc 2.34's posix_spawn_file_actions_addclosefrom_np (close_range in
// the child, or a walk of /proc/self/fd where the kernel lacks it) and
// addfchdir_np; and posix_spawnp through PATH.
#include "compat.h"

#include <fcntl.h>
#include <libgen.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc > 1) {
    int open_fds = 0;
    for (int fd = 3; fd < 10; fd++) open_fds += fcntl(fd, F_GETFD) >= 0;
    char cwd[64];
    printf("child: descriptors 3..9 open %d, fd 3 open %d, cwd %s\n", open_fds,
           fcntl(3, F_GETFD) >= 0,
           strcmp(argv[1], "cwd") == 0 ? getcwd(cwd, sizeof cwd) : "not shown");
    return 0;
  }
  const char* self = self_path(argv[0]);
  for (int i = 0; i < 6; i++) CHECK(open("/dev/null", O_RDONLY) == 3 + i);
  int dirfd = open("/tmp", O_RDONLY | O_DIRECTORY);
  CHECK(dirfd == 9);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  CHECK(posix_spawn_file_actions_addfchdir_np(&fa, dirfd) == 0);
  CHECK(posix_spawn_file_actions_addclosefrom_np(&fa, 4) == 0);
  char* args[] = {(char*)self, "cwd", NULL};
  pid_t p;
  // The child may print before or after posix_spawn returns: the result
  // is shown after the wait.
  int err = posix_spawn(&p, self, &fa, NULL, args, environ);
  int st;
  CHECK(err == 0 && waitpid(p, &st, 0) == p);
  say_err("posix_spawn with closefrom 4 and fchdir", err);
  printf("exit %d\n", WEXITSTATUS(st));
  posix_spawn_file_actions_destroy(&fa);

  char dir[256], name[256];
  snprintf(dir, sizeof dir, "%s", self);
  snprintf(name, sizeof name, "%s", basename(dir));
  snprintf(dir, sizeof dir, "%s", self);
  setenv("PATH", dirname(dir), 1);
  char* args2[] = {name, "nocwd", NULL};
  err = posix_spawnp(&p, name, NULL, NULL, args2, environ);
  CHECK(err == 0 && waitpid(p, &st, 0) == p);
  say_err("posix_spawnp through PATH", err);
  printf("exit %d\n", WEXITSTATUS(st));
  return 0;
}
