// fork through glibc: the child's copy of memory, its return values, its
// pid and parent, and exit statuses 0..255 as wait sees them.
#include "compat.h"

#include <sys/wait.h>

static int global = 1;

int main(void) {
  int local = 2;
  char* heap = malloc(64);
  CHECK(heap);
  strcpy(heap, "parent");
  pid_t parent = getpid();
  pid_t p = fork();
  if (p == 0) {
    global = 10;
    local = 20;
    strcpy(heap, "child");
    printf("child: getppid is the parent %d, pid differs %d\n", getppid() == parent,
           getpid() != parent);
    printf("child: %d %d %s\n", global, local, heap);
    exit(42);
  }
  CHECK(p > 0);
  int st;
  CHECK(waitpid(p, &st, 0) == p);
  printf("parent: %d %d %s, child exited %d with %d\n", global, local, heap, WIFEXITED(st),
         WEXITSTATUS(st));
  // Every exit status survives the trip (only its low 8 bits).
  int bad = 0;
  for (int code = 0; code < 256; code += 17) {
    p = fork();
    if (p == 0) _exit(code + 256);
    CHECK(waitpid(p, &st, 0) == p);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != code) bad++;
  }
  printf("statuses wrong: %d\n", bad);
  free(heap);
  return 0;
}
