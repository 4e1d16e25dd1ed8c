// SIGCHLD as a shell uses it: a handler that reaps with WNOHANG in a loop
// (several children may end behind one signal), SA_RESTART resuming a read the signal interrupted, and
// without SA_RESTART the read fails with EINTR.
#include "compat.h"

#include <signal.h>
#include <sys/wait.h>

static volatile int reaped, signals, codesum;
static void on_chld(int s) {
  (void)s;
  signals++;
  int st, e = errno;
  pid_t r;
  while ((r = waitpid(-1, &st, WNOHANG)) > 0) {
    reaped++;
    if (WIFEXITED(st)) codesum += WEXITSTATUS(st);
  }
  errno = e;
}

static void install(int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld;
  sa.sa_flags = flags;
  sigaction(SIGCHLD, &sa, NULL);
}

int main(void) {
  install(SA_RESTART);
  for (int i = 1; i <= 10; i++)
    if (fork() == 0) _exit(i);
  for (int i = 0; i < 2000 && reaped < 10; i++) nap_ms(1);
  printf("reaped by the handler: %d, codes sum %d, signals at least 1 and at most 10: %d\n",
         reaped, codesum, signals >= 1 && signals <= 10);

  // A SIGCHLD may still be on its way for a child the loop already
  // reaped: taken here, so the counts below start clean.
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  nap_ms(20);
  struct timespec zero = {0, 0};
  sigtimedwait(&chld, NULL, &zero);
  sigprocmask(SIG_UNBLOCK, &chld, NULL);

  // A read interrupted by SIGCHLD: resumed with SA_RESTART, EINTR without.
  for (int restart = 1; restart >= 0; restart--) {
    install(restart ? SA_RESTART : 0);
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t writer = fork();
    if (writer == 0) {
      nap_ms(600);
      (void)!write(p[1], "x", 1);
      _exit(0);
    }
    pid_t quick = fork();
    if (quick == 0) {
      nap_ms(300);  // the parent is asleep in read by then
      _exit(0);
    }
    char c;
    ssize_t n = read(p[0], &c, 1);
    if (n < 0)
      printf("read with%s SA_RESTART: -1 %s\n", restart ? "" : "out", strerrorname_np(errno));
    else
      printf("read with%s SA_RESTART: %zd\n", restart ? "" : "out", n);
    signal(SIGCHLD, SIG_DFL);
    while (wait(NULL) > 0) {
    }
    close(p[0]);
    close(p[1]);
  }
  return 0;
}
