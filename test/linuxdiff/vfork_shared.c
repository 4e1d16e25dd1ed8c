// glibc's vfork is clone(CLONE_VM|CLONE_VFORK): the child borrows the
// parent's memory and the parent sleeps until the child execs or exits
// (the seed's __vfork14). qemu-user runs it as a plain fork, so the
// expected lines come from real Linux (vfork_shared.expected).
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int shared;

int main(void) {
  shared = 1;
  pid_t p = vfork();
  if (p == 0) {
    shared = 42;   // lands in the parent's memory
    _exit(5);
  }
  // The parent runs again only after the child's _exit.
  printf("parent sees child's store: %d\n", shared);
  int st = 0;
  printf("reaped %d status %d\n", waitpid(p, &st, 0) == p, WEXITSTATUS(st));
  return 0;
}
