/* posix_spawn after the parent caught, ignored and blocked signals: the
 * child sees caught ones back at SIG_DFL, ignored ones still ignored, the
 * mask inherited (glibc's child calls sigaction for every signal). Also:
 * a signal left pending while blocked is delivered as sigprocmask unblocks
 * it, before the call returns; and sigaction's old action read back. */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;
static volatile sig_atomic_t got;

static void on_sig(int sig) { got = sig; }

static int child(void) {
  sigset_t mask;
  sigprocmask(SIG_BLOCK, NULL, &mask);
  for (int s = 1; s < 32; s++) {
    struct sigaction sa;
    if (sigaction(s, NULL, &sa) != 0) continue;
    const char* h = sa.sa_handler == SIG_DFL ? "dfl" : sa.sa_handler == SIG_IGN ? "ign" : "other";
    printf("child sig %d: %s%s\n", s, h, sigismember(&mask, s) ? " blocked" : "");
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "child") == 0) return child();
  setvbuf(stdout, NULL, _IOLBF, 0);
  for (int s = 1; s < 32; s++) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = (s % 3 == 0) ? SIG_IGN : on_sig;
    sa.sa_flags = (s % 2) ? SA_RESTART : 0;
    if (sigaction(s, &sa, NULL) != 0) printf("sigaction %d failed\n", s);
  }
  struct sigaction old;
  sigaction(SIGUSR1, NULL, &old);
  printf("old SIGUSR1 caught %d restart %d\n", old.sa_handler == on_sig,
         (old.sa_flags & SA_RESTART) != 0);
  printf("sigaction SIGKILL set: %d\n", sigaction(SIGKILL, &old, NULL));

  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGTERM);
  sigprocmask(SIG_BLOCK, &block, NULL);
  raise(SIGUSR1);
  printf("pending while blocked: got %d\n", (int)got);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, SIGUSR1);
  sigprocmask(SIG_UNBLOCK, &one, NULL);
  printf("after unblock: got %d\n", (int)got);

  char* args[] = {argv[0], "child", NULL};
  pid_t pid;
  int err = posix_spawn(&pid, argv[0], NULL, NULL, args, environ);
  if (err) {
    printf("posix_spawn: %s\n", strerror(err));
    return 1;
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
