// A tree of processes four levels deep, each node forking two children
// and exiting with the sum of its subtree's node count: 31 processes.
#include "compat.h"

#include <sys/wait.h>

static int node(int depth) {
  if (depth == 0) return 1;
  pid_t kids[2];
  for (int i = 0; i < 2; i++) {
    kids[i] = fork();
    if (kids[i] == 0) _exit(node(depth - 1));
    CHECK(kids[i] > 0);
  }
  int sum = 1;
  for (int i = 0; i < 2; i++) {
    int st;
    CHECK(waitpid(kids[i], &st, 0) == kids[i]);
    CHECK(WIFEXITED(st));
    sum += WEXITSTATUS(st);
  }
  return sum;
}

int main(void) {
  printf("nodes: %d\n", node(4));
  // wait() with several children ends when all are reaped, then ECHILD.
  for (int i = 0; i < 5; i++)
    if (fork() == 0) _exit(i);
  int sum = 0, st;
  pid_t r;
  while ((r = wait(&st)) > 0) sum += WEXITSTATUS(st);
  printf("sum %d, last wait ECHILD %d\n", sum, errno == ECHILD);
  return 0;
}
