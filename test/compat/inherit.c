// What a child inherits across fork and keeps across exec: the current
// directory, umask, rlimits and the environment; and the alternate
// signal stack, which fork keeps and exec drops.
#include "compat.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void report(const char* who) {
  char cwd[64];
  mode_t m = umask(0);
  umask(m);
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  stack_t ss;
  sigaltstack(NULL, &ss);
  printf("%s: cwd %s umask %03o nofile %ld/%ld env %s altstack %s\n", who,
         getcwd(cwd, sizeof cwd), m, (long)rl.rlim_cur, (long)rl.rlim_max, getenv("COMPAT_ENV"),
         ss.ss_flags & SS_DISABLE ? "off" : "on");
}

int main(int argc, char** argv) {
  if (argc > 1) {
    report("after exec");
    return 0;
  }
  const char* self = self_path(argv[0]);
  CHECK(chdir("/tmp") == 0);
  umask(027);
  struct rlimit rl = {12, 20};
  CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
  setenv("COMPAT_ENV", "inherited", 1);
  static char alt[16384];
  stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0};
  CHECK(sigaltstack(&ss, NULL) == 0);
  report("parent");
  pid_t k = fork();
  if (k == 0) {
    report("child");
    char* args[] = {(char*)self, "x", NULL};
    execv(self, args);
    _exit(127);
  }
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  return 0;
}
