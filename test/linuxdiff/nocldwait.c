// Children of a parent that ignores SIGCHLD, or set SA_NOCLDWAIT, leave no
// zombies: wait blocks until all of them are gone, then fails with ECHILD
// (Linux). With SA_NOCLDWAIT and a handler, SIGCHLD is still sent. Back at
// SIG_DFL, children are zombies again.
#include "ld.h"

#include <signal.h>
#include <sys/wait.h>

static volatile sig_atomic_t chld;
static void on_chld(int sig) {
  (void)sig;
  chld++;
}

static void three_children(void) {
  for (int i = 0; i < 3; i++)
    if (fork() == 0) {
      usleep(20000 * i);
      _exit(i);
    }
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int st;
  signal(SIGCHLD, SIG_IGN);
  three_children();
  say("SIG_IGN: wait", wait(&st));
  say("SIG_IGN: wait again", wait(&st));

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld;
  sa.sa_flags = SA_NOCLDWAIT | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);
  pid_t c = fork();
  if (c == 0) _exit(5);
  say("SA_NOCLDWAIT: waitpid", waitpid(c, &st, 0));
  printf("SA_NOCLDWAIT: SIGCHLD handler ran: %d\n", chld > 0);

  signal(SIGCHLD, SIG_DFL);
  c = fork();
  if (c == 0) _exit(6);
  pid_t r = waitpid(c, &st, 0);
  printf("SIG_DFL: waitpid reaps the child: %d, status %d\n", r == c,
         WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
