// popen(3) for reading and for writing, pclose's status, and a popen
// stream's descriptor not leaking into a second popen's child.
#include "compat.h"

#include <sys/wait.h>

int main(void) {
  FILE* r = popen("echo one; echo two; exit 4", "r");
  CHECK(r);
  char line[128];
  while (fgets(line, sizeof line, r)) printf("read: %s", line);
  int st = pclose(r);
  printf("pclose: exited %d status %d\n", WIFEXITED(st), WEXITSTATUS(st));

  FILE* w = popen("read a; read b; echo \"shell got $a and $b\"; exit 2", "w");
  CHECK(w);
  fprintf(w, "alpha\nbeta\n");
  st = pclose(w);
  printf("pclose: exited %d status %d\n", WIFEXITED(st), WEXITSTATUS(st));

  // Two at once: the second's shell must not hold the first's pipe, or
  // the first reader would never see EOF.
  FILE* a = popen("cat", "w");
  FILE* b = popen("echo b-done", "r");
  CHECK(a && b);
  fprintf(a, "to cat\n");
  fflush(a);
  st = pclose(a);
  printf("cat ended: %d\n", WEXITSTATUS(st));
  CHECK(fgets(line, sizeof line, b));
  printf("second: %s", line);
  pclose(b);
  // "e" mode: close-on-exec on the parent's end.
  FILE* e = popen("exit 0", "re");
  CHECK(e);
  printf("pclose of re: %d\n", pclose(e));
  return 0;
}
