// The exec family: execl, execle, execlp, execv, execve, execvp, execvpe
// each re-running this program, which prints the arguments
// and the environment it got. execvp finds it through PATH.
#include "compat.h"

#include <libgen.h>
#include <sys/wait.h>

extern char** environ;

static void run(const char* what, void (*go)(const char* self, const char* name), const char* self,
                const char* name) {
  pid_t p = fork();
  if (p == 0) {
    go(self, name);
    printf("%s failed: %s\n", what, strerrorname_np(errno));
    _exit(127);
  }
  int st;
  CHECK(waitpid(p, &st, 0) == p);
  printf("%s: exit %d\n", what, WEXITSTATUS(st));
}

static char* env2[] = {"COMPAT_A=1", "COMPAT_B=two", NULL};
static void do_execl(const char* s, const char* n) { (void)n; execl(s, "x", "execl", "a b", (char*)0); }
static void do_execle(const char* s, const char* n) {
  (void)n;
  execle(s, "x", "execle", (char*)0, env2);
}
static void do_execlp(const char* s, const char* n) { (void)s; execlp(n, "x", "execlp", (char*)0); }
static void do_execv(const char* s, const char* n) {
  (void)n;
  char* a[] = {"x", "execv", "", "last", NULL};
  execv(s, a);
}
static void do_execve(const char* s, const char* n) {
  (void)n;
  char* a[] = {"x", "execve", NULL};
  char* e[] = {NULL};
  execve(s, a, e);
}
static void do_execvp(const char* s, const char* n) {
  (void)s;
  char* a[] = {"x", "execvp", NULL};
  execvp(n, a);
}
static void do_execvpe(const char* s, const char* n) {
  (void)s;
  char* a[] = {"x", "execvpe", NULL};
  execvpe(n, a, env2);
}
static int by_name(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}
static void do_missing(const char* s, const char* n) {
  (void)s;
  (void)n;
  execlp("compat-no-such-program", "x", (char*)0);
}

int main(int argc, char** argv) {
  if (argc > 1) {
    printf("  %s: argc %d argv0 %s", argv[1], argc, argv[0]);
    for (int i = 2; i < argc; i++) printf(" [%s]", argv[i]);
    // qemu-user hands the environment over in another order: sorted here.
    const char* ours[16];
    int n = 0, k = 0;
    for (char** e = environ; *e; e++)
      if (strncmp(*e, "COMPAT_", 7) == 0 && k < 16) ours[k++] = *e;
      else n++;
    qsort(ours, k, sizeof ours[0], by_name);
    for (int i = 0; i < k; i++) printf(" %s", ours[i]);
    printf(" other env %s\n", n ? "some" : "none");
    return 7;
  }
  char self[256], dir[256], name[256];
  snprintf(self, sizeof self, "%s", self_path(argv[0]));
  snprintf(dir, sizeof dir, "%s", self);
  snprintf(name, sizeof name, "%s", basename(self));
  setenv("PATH", dirname(dir), 1);
  // Only COMPAT_ variables count as "ours"; the others are said to exist.
  setenv("COMPAT_INHERITED", "yes", 1);
  run("execl", do_execl, self, name);
  run("execle", do_execle, self, name);
  run("execlp", do_execlp, self, name);
  run("execv", do_execv, self, name);
  run("execve", do_execve, self, name);
  run("execvp", do_execvp, self, name);
  run("execvpe", do_execvpe, self, name);
  run("execlp missing", do_missing, self, name);
  return 0;
}
