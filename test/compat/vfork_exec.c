// vfork through glibc: the child execs (this program again, with
// arguments and an environment of its choosing) or _exits; the parent goes
// on once the child has done either, and sees the status.
#include "compat.h"

#include <sys/wait.h>

int main(int argc, char** argv) {
  if (argc > 2) {
    printf("exec'd: argc %d, %s %s, env %s\n", argc, argv[1], argv[2], getenv("COMPAT"));
    return atoi(argv[2]);
  }
  const char* self = self_path(argv[0]);
  for (int i = 0; i < 3; i++) {
    char code[16];
    snprintf(code, sizeof code, "%d", 5 + i);
    pid_t p = vfork();
    if (p == 0) {
      char* args[] = {(char*)self, "run", code, NULL};
      char* env[] = {"COMPAT=vfork", NULL};
      execve(self, args, env);
      _exit(127);
    }
    CHECK(p > 0);
    int st;
    CHECK(waitpid(p, &st, 0) == p);
    printf("parent: child %d exited %d\n", i, WEXITSTATUS(st));
  }
  pid_t p = vfork();
  if (p == 0) _exit(9);
  int st;
  CHECK(waitpid(p, &st, 0) == p);
  printf("vfork + _exit: %d\n", WEXITSTATUS(st));
  // A failed exec in the child: _exit(127) as a shell does.
  p = vfork();
  if (p == 0) {
    char* args[] = {"/nonexistent/prog", NULL};
    execv(args[0], args);
    _exit(127);
  }
  CHECK(waitpid(p, &st, 0) == p);
  printf("vfork + failed exec: %d\n", WEXITSTATUS(st));
  return 0;
}
