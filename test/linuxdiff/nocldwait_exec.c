// SA_NOCLDWAIT and SIGCHLD's SIG_IGN across exec: a handler's flags go
// with the handler (Linux's flush_signal_handlers), SIG_IGN stays.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_chld(int s) { (void)s; }

static void child_then_wait(const char* what) {
  pid_t c = fork();
  if (c == 0) _exit(3);
  int st;
  pid_t r = waitpid(c, &st, 0);
  if (r == c) printf("%s: reaped the child, status %d\n", what, WEXITSTATUS(st));
  else printf("%s: wait says %s\n", what, errno == ECHILD ? "ECHILD" : "other");
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc == 2) {
    struct sigaction sa;
    sigaction(SIGCHLD, NULL, &sa);
    printf("%s after exec: SIGCHLD %s, SA_NOCLDWAIT %s\n", argv[1],
           sa.sa_handler == SIG_IGN ? "ignored" : sa.sa_handler == SIG_DFL ? "default" : "caught",
           (sa.sa_flags & SA_NOCLDWAIT) ? "set" : "clear");
    child_then_wait(argv[1]);
    return 0;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld;
  sa.sa_flags = SA_NOCLDWAIT;
  sigaction(SIGCHLD, &sa, NULL);
  child_then_wait("handler+NOCLDWAIT");
  pid_t c = fork();
  if (c == 0) {
    execl(argv[0], argv[0], "handler+NOCLDWAIT", (char*)NULL);
    _exit(127);
  }
  int st;
  waitpid(c, &st, 0);
  signal(SIGCHLD, SIG_IGN);
  child_then_wait("SIG_IGN");
  c = fork();
  if (c == 0) {
    execl(argv[0], argv[0], "SIG_IGN", (char*)NULL);
    _exit(127);
  }
  waitpid(c, &st, 0);
  printf("done\n");
  return 0;
}
