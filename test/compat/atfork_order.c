// pthread_atfork: prepare handlers run in reverse order of registration,
// parent and child handlers in order, around fork() but not vfork() or
// posix_spawn (glibc's spawn runs none).
#include "compat.h"

#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;
static char trail[256];

static void add(const char* s) {
  strcat(trail, s);
  strcat(trail, " ");
}
static void prep1(void) { add("prepare1"); }
static void prep2(void) { add("prepare2"); }
static void prep3(void) { add("prepare3"); }
static void par1(void) { add("parent1"); }
static void par2(void) { add("parent2"); }
static void chi1(void) { add("child1"); }
static void chi3(void) { add("child3"); }

int main(int argc, char** argv) {
  if (argc > 1) return 0;
  CHECK(pthread_atfork(prep1, par1, chi1) == 0);
  CHECK(pthread_atfork(prep2, par2, NULL) == 0);
  CHECK(pthread_atfork(prep3, NULL, chi3) == 0);
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t k = fork();
  if (k == 0) {
    (void)!write(p[1], trail, strlen(trail));
    _exit(0);
  }
  close(p[1]);
  char buf[256] = {0};
  ssize_t n, got = 0;
  while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0) got += n;
  waitpid(k, NULL, 0);
  printf("child:  %s\n", buf);
  printf("parent: %s\n", trail);
  trail[0] = 0;
  k = vfork();
  if (k == 0) _exit(0);
  waitpid(k, NULL, 0);
  printf("after vfork: [%s]\n", trail);
  char* args[] = {(char*)self_path(argv[0]), "x", NULL};
  CHECK(posix_spawn(&k, args[0], NULL, NULL, args, environ) == 0);
  waitpid(k, NULL, 0);
  printf("after posix_spawn: [%s]\n", trail);
  // A second fork runs them all again.
  k = fork();
  if (k == 0) _exit(0);
  waitpid(k, NULL, 0);
  printf("second fork, parent: %s\n", trail);
  return 0;
}
