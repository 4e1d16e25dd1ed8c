// What fork and exec do to signal state: a handler that forks (the child
// runs and is reaped inside the handler); a forked child keeps the
// handlers, ignored signals, the mask and the alternate stack; exec resets
// caught signals to the default and keeps ignored ones, the mask and the
// pending set, and drops the alternate stack.
#include "ld.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static volatile int hits;
static char altstack[16384];

static void on_usr1(int sig) {
  (void)sig;
  hits++;
}

static void on_fork_in_handler(int sig) {
  (void)sig;
  pid_t c = fork();
  if (c == 0) {
    static const char msg[] = "child of a handler runs\n";
    if (write(1, msg, sizeof msg - 1) < 0) _exit(2);
    _exit(5);
  }
  int st;
  waitpid(c, &st, 0);
  hits = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void show_state(const char* who) {
  struct sigaction a;
  sigaction(SIGUSR1, NULL, &a);
  const char* h = a.sa_handler == SIG_DFL ? "default" : a.sa_handler == SIG_IGN ? "ignore" : "caught";
  printf("%s: USR1 %s flags %#x", who, h, (unsigned)(a.sa_flags & ~0x04000000));
  sigaction(SIGUSR2, NULL, &a);
  h = a.sa_handler == SIG_DFL ? "default" : a.sa_handler == SIG_IGN ? "ignore" : "caught";
  printf(", USR2 %s", h);
  sigset_t m, p;
  sigprocmask(SIG_BLOCK, NULL, &m);
  sigpending(&p);
  printf(", TERM blocked %d, INT pending %d", sigismember(&m, SIGTERM), sigismember(&p, SIGINT));
  stack_t ss;
  sigaltstack(NULL, &ss);
  printf(", altstack %s\n", ss.ss_flags & SS_DISABLE ? "none" : "set");
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1) {
    show_state("after exec");
    // The pending SIGINT is still blocked; default action would kill.
    return 0;
  }

  struct sigaction sa = {0};
  sa.sa_handler = on_fork_in_handler;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("handler's child exit status seen in handler: %d\n", hits);

  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  signal(SIGUSR2, SIG_IGN);
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, NULL);
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
  sigaltstack(&ss, NULL);
  show_state("parent");

  pid_t c = fork();
  if (c == 0) {
    show_state("child");
    hits = 0;
    raise(SIGUSR1);
    raise(SIGUSR2);  // ignored
    printf("child: handler ran %d times\n", hits);
    raise(SIGINT);  // blocked: stays pending across exec
    char buf[256];
    const char* self = self_path(argv[0], buf, sizeof buf);
    char* args[] = {(char*)self, "exec", NULL};
    execv(self, args);
    _exit(127);
  }
  int st;
  waitpid(c, &st, 0);
  printf("child: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
  return 0;
}
