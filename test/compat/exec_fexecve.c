// fexecve: glibc 2.36 runs execveat(fd, "", argv, envp, AT_EMPTY_PATH)
// (riscv64 Linux has it from the start, so no /proc fallback), from an
// O_RDONLY and from an O_PATH descriptor; and execveat's own errors.
#include "compat.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static void run(const char* what, int fd, int flags) {
  pid_t p = fork();
  if (p == 0) {
    char* a[] = {"x", (char*)what, NULL};
    char* e[] = {"COMPAT=1", NULL};
    if (flags < 0)
      fexecve(fd, a, e);
    else
      syscall(SYS_execveat, fd, "", a, e, flags);
    printf("%s: -1 %s\n", what, strerrorname_np(errno));
    _exit(127);
  }
  int st;
  CHECK(waitpid(p, &st, 0) == p);
  printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

int main(int argc, char** argv) {
  if (argc > 1) {
    printf("  ran as %s with %s\n", argv[1], getenv("COMPAT"));
    return 7;
  }
  int fd = open(self_path(argv[0]), O_RDONLY);
  int pfd = open(self_path(argv[0]), O_PATH);
  CHECK(fd >= 0 && pfd >= 0);
  run("fexecve", fd, -1);
  run("fexecve O_PATH", pfd, -1);
  run("execveat without AT_EMPTY_PATH", fd, 0);
  run("execveat bad flags", fd, 0x10000);
  return 0;
}
