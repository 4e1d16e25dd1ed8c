// What a SA_SIGINFO SIGCHLD handler learns: si_code, si_status and si_pid
// for a child that stops, continues, exits and is killed.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t n;
static volatile int codes[8], statuses[8], pids[8];

static void on_chld(int sig, siginfo_t* si, void* uc) {
  (void)sig; (void)uc;
  if (n < 8) { codes[n] = si->si_code; statuses[n] = si->si_status; pids[n] = si->si_pid; n++; }
}

static const char* code_name(int c) {
  switch (c) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    case CLD_TRAPPED: return "CLD_TRAPPED";
  }
  return "other";
}

static void wait_for(int want) {
  for (int i = 0; i < 2000 && n < want; i++) usleep(1000);
}

static void report(pid_t child, int from) {
  for (int i = from; i < n; i++)
    printf("  %s status %d pid %s\n", code_name(codes[i]), statuses[i],
           pids[i] == child ? "child" : "other");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);

  int go[2];
  if (pipe(go) != 0) return 1;
  pid_t c = fork();
  if (c == 0) {
    char b;
    raise(SIGSTOP);
    // Exits only when told: the CLD_CONTINUED and CLD_EXITED signals must
    // not meet while one is pending (a standard signal coalesces).
    (void)!read(go[0], &b, 1);
    _exit(7);
  }
  wait_for(1);
  printf("stop:\n");
  report(c, 0);
  int st;
  waitpid(c, &st, WUNTRACED);
  int mark = n;
  kill(c, SIGCONT);
  wait_for(mark + 1);
  printf("continue:\n");
  report(c, mark);
  mark = n;
  (void)!write(go[1], "x", 1);
  wait_for(mark + 1);
  printf("exit:\n");
  report(c, mark);
  waitpid(c, &st, 0);
  printf("exit status %d\n", WEXITSTATUS(st));

  c = fork();
  if (c == 0) {
    for (;;) pause();
  }
  mark = n;
  kill(c, SIGTERM);
  wait_for(mark + 1);
  printf("killed:\n");
  report(c, mark);
  waitpid(c, &st, 0);
  printf("term signal %d\n", WTERMSIG(st));
  return 0;
}
