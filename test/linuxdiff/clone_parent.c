// clone(CLONE_PARENT): the new process is its creator's sibling. Its parent
// is the creator's parent, which reaps it and gets its exit signal, and
// that signal is the creator's own (SIGCHLD here), whatever clone's low
// byte says (Linux's copy_process). qemu-user refuses CLONE_PARENT
// (EINVAL): NAME.expected holds Linux's lines.
#include "ld.h"

#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile sig_atomic_t got_chld;
static void on_chld(int sig) { (void)sig; got_chld++; }

int main(void) {
  const pid_t top = getpid();
  signal(SIGCHLD, on_chld);
  int pfd[2], ready[2];
  if (pipe(pfd) != 0 || pipe(ready) != 0) return 1;
  pid_t creator = fork();
  if (creator == 0) {
    // The low byte asks for SIGUSR1; CLONE_PARENT makes it the creator's.
    long r = syscall(SYS_clone, CLONE_PARENT | SIGUSR1, 0, 0, 0, 0);
    if (r == 0) {
      printf("sibling: parent is top %s\n", getppid() == top ? "yes" : "no");
      fflush(stdout);
      (void)!write(ready[1], "x", 1);
      char c;
      (void)!read(pfd[0], &c, 1);  // until top has reaped the creator
      _exit(7);
    }
    if (r < 0) {
      printf("clone(CLONE_PARENT) = -1 %s\n", strerrorname_np(errno));
      fflush(stdout);
      _exit(1);
    }
    // The sibling is not the creator's child.
    char c;
    (void)!read(ready[0], &c, 1);  // after the sibling's line
    errno = 0;
    long w = waitpid((pid_t)r, NULL, WNOHANG);
    printf("creator's waitpid(sibling) = %ld %s\n", w, w < 0 ? strerrorname_np(errno) : "");
    fflush(stdout);
    _exit(3);
  }
  int st;
  pid_t w = waitpid(creator, &st, 0);
  printf("top reaped the creator: %s, exit %d\n", w == creator ? "yes" : "no", WEXITSTATUS(st));
  fflush(stdout);
  if (write(pfd[1], "x", 1) != 1) return 1;
  // Without __WALL: the sibling's exit signal is SIGCHLD.
  w = waitpid(-1, &st, 0);
  printf("top reaped the sibling: %s, exit %d\n", w > 0 && w != creator ? "yes" : "no",
         WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  printf("SIGCHLDs: %s\n", got_chld >= 1 ? "at least one" : "none");
  errno = 0;
  const long more = waitpid(-1, NULL, WNOHANG);
  printf("no more children: %ld %s\n", more, strerrorname_np(errno));
  return 0;
}
