// Signals across fork and exec: the child keeps handlers and mask and
// starts with nothing pending and no alarm; exec resets caught signals to
// default, keeps ignored ones ignored, and keeps the mask and what is
// pending.
#include "compat.h"

#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>

static volatile int got;
static void on_usr1(int s) {
  (void)s;
  got++;
}

static const char* disp(int sig) {
  struct sigaction sa;
  sigaction(sig, NULL, &sa);
  return sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "caught";
}

int main(int argc, char** argv) {
  sigset_t m, pend;
  if (argc > 1) {
    sigprocmask(SIG_SETMASK, NULL, &m);
    sigpending(&pend);
    printf("after exec: USR1 %s, USR2 %s, TERM %s; USR2 blocked %d; USR2 pending %d\n",
           disp(SIGUSR1), disp(SIGUSR2), disp(SIGTERM), sigismember(&m, SIGUSR2),
           sigismember(&pend, SIGUSR2));
    return 0;
  }
  signal(SIGUSR1, on_usr1);
  signal(SIGTERM, SIG_IGN);
  sigemptyset(&m);
  sigaddset(&m, SIGUSR2);
  sigprocmask(SIG_BLOCK, &m, NULL);
  raise(SIGUSR2);  // pending in the parent
  struct itimerval it = {{0, 0}, {100, 0}};
  setitimer(ITIMER_REAL, &it, NULL);
  alarm(100);
  pid_t k = fork();
  if (k == 0) {
    sigpending(&pend);
    sigprocmask(SIG_SETMASK, NULL, &m);
    struct itimerval now;
    getitimer(ITIMER_REAL, &now);
    printf("child: USR1 %s TERM %s, USR2 blocked %d, USR2 pending %d, alarm left %d, timer %ld\n",
           disp(SIGUSR1), disp(SIGTERM), sigismember(&m, SIGUSR2), sigismember(&pend, SIGUSR2),
           alarm(0), (long)now.it_value.tv_sec);
    raise(SIGUSR1);
    printf("child: handler ran %d\n", got);
    raise(SIGUSR2);  // now pending across exec
    char* args[] = {(char*)self_path(argv[0]), "x", NULL};
    execv(args[0], args);
    _exit(127);
  }
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  sigpending(&pend);
  printf("parent: USR2 still pending %d, alarm still set %d, child exit %d\n",
         sigismember(&pend, SIGUSR2), alarm(0) > 0, WEXITSTATUS(st));
  return 0;
}
