/* membarrier(2): the commands a program without rseq may use, their
 * registration rules and errno, across fork and exec-free children. */
#include "ld.h"  // first: it defines _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>


enum {
  QUERY = 0, GLOBAL = 1, GLOBAL_EXPEDITED = 2, REGISTER_GLOBAL_EXPEDITED = 4,
  PRIVATE_EXPEDITED = 8, REGISTER_PRIVATE_EXPEDITED = 16, GET_REGISTRATIONS = 512,
};

static long mb(int cmd, unsigned flags, int cpu) { return syscall(SYS_membarrier, cmd, flags, cpu); }

int main(void) {
  /* Only the commands every kernel here answers the same way: both Linux
   * configurations with and without rseq and sync-core support have these. */
  long q = mb(QUERY, 0, 0);
  const long common = GLOBAL | GLOBAL_EXPEDITED | REGISTER_GLOBAL_EXPEDITED |
                      PRIVATE_EXPEDITED | REGISTER_PRIVATE_EXPEDITED | GET_REGISTRATIONS;
  printf("query has the common commands: %d\n", q >= 0 && (q & common) == common);
  show_ret("query with flags", mb(QUERY, 1, 0));
  show_ret("unknown command", mb(1 << 12, 0, 0));
  show_ret("negative command", mb(-1, 0, 0));
  show_ret("registrations at start", mb(GET_REGISTRATIONS, 0, 0));
  show_ret("private expedited unregistered", mb(PRIVATE_EXPEDITED, 0, 0));
  show_ret("private expedited with flags", mb(PRIVATE_EXPEDITED, 1, 0));
  show_ret("global", mb(GLOBAL, 0, 0));
  show_ret("global expedited", mb(GLOBAL_EXPEDITED, 0, 0));
  show_ret("register private", mb(REGISTER_PRIVATE_EXPEDITED, 0, 0));
  show_ret("register private again", mb(REGISTER_PRIVATE_EXPEDITED, 0, 0));
  show_ret("registrations", mb(GET_REGISTRATIONS, 0, 0));
  show_ret("private expedited", mb(PRIVATE_EXPEDITED, 0, 0));
  show_ret("register global", mb(REGISTER_GLOBAL_EXPEDITED, 0, 0));
  show_ret("registrations", mb(GET_REGISTRATIONS, 0, 0));
  for (int i = 0; i < 200; i++)
    if (mb(PRIVATE_EXPEDITED, 0, 0) != 0 || mb(GLOBAL_EXPEDITED, 0, 0) != 0) {
      printf("barrier %d failed: %s\n", i, strerror(errno));
      return 1;
    }
  printf("400 barriers: ok\n");
  /* A fork child's address space is a copy: its registrations too. */
  fflush(stdout);
  pid_t reg = fork();
  if (reg == 0) {
    show_ret("child registrations", mb(GET_REGISTRATIONS, 0, 0));
    show_ret("child private expedited", mb(PRIVATE_EXPEDITED, 0, 0));
    fflush(stdout);
    _exit(0);
  }
  waitpid(reg, NULL, 0);
  /* Two processes issuing barriers at once (each hart answers the other's). */
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    for (int i = 0; i < 300; i++)
      if (mb(GLOBAL_EXPEDITED, 0, 0) != 0) _exit(1);
    _exit(0);
  }
  int bad = 0;
  for (int i = 0; i < 300; i++) bad |= mb(GLOBAL, 0, 0) != 0;
  int status;
  waitpid(pid, &status, 0);
  printf("concurrent barriers: parent %s, child exit %d\n", bad ? "failed" : "ok",
         WEXITSTATUS(status));
  return 0;
}
