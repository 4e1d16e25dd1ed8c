// posix_spawn's errors come back to the caller: a missing program, a
// file action that fails, a directory that is not executable. glibc's
// child runs on the parent's memory (CLONE_VM|CLONE_VFORK) and writes its
// errno there before _exit(127).
#include "compat.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

static void try(const char* what, const char* path, posix_spawn_file_actions_t* fa) {
  char* args[] = {(char*)path, "child", NULL};
  pid_t p = 0;
  int err = posix_spawn(&p, path, fa, NULL, args, environ);
  say_err(what, err);
  if (err == 0) {
    int st;
    CHECK(waitpid(p, &st, 0) == p);
    printf("  the child exited %d\n", WEXITSTATUS(st));
  }
}

int main(int argc, char** argv) {
  if (argc > 1) return 0;
  try("missing program", "/nonexistent/prog", NULL);
  try("a directory", "/", NULL);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 5, "/nonexistent/file", O_RDONLY, 0);
  try("failing addopen", self_path(argv[0]), &fa);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addclose(&fa, 40);
  try("addclose of a closed descriptor", self_path(argv[0]), &fa);
  posix_spawn_file_actions_destroy(&fa);
  pid_t p;
  say_err("posix_spawnp missing", posix_spawnp(&p, "compat-no-such-program", NULL, NULL,
                                               (char*[]){"x", NULL}, environ));
  return 0;
}
