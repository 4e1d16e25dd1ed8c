// The mask while a handler runs: the old mask | sa_mask | the signal, and
// the old mask again after it returns; a signal sent while it is blocked
// in the handler runs right after, not nested.
#include "ld.h"

#include <signal.h>

static volatile int depth, max_depth, order[4], n;

static void show(const char* who) {
  sigset_t m;
  sigprocmask(SIG_BLOCK, NULL, &m);
  printf("%s: USR1 %d USR2 %d TERM %d HUP %d\n", who, sigismember(&m, SIGUSR1),
         sigismember(&m, SIGUSR2), sigismember(&m, SIGTERM), sigismember(&m, SIGHUP));
}

static void on_usr1(int sig) {
  depth++;
  if (depth > max_depth) max_depth = depth;
  order[n++] = sig;
  if (n == 1) {
    show("in USR1 handler");
    raise(SIGUSR2);  // in sa_mask: waits until this handler returns
    raise(SIGUSR1);  // blocked as the running signal: the same
  }
  depth--;
}

static void on_usr2(int sig) {
  depth++;
  if (depth > max_depth) max_depth = depth;
  order[n++] = sig;
  depth--;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa = {0};
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaction(SIGUSR1, &sa, NULL);
  signal(SIGUSR2, on_usr2);
  sigset_t hup;
  sigemptyset(&hup);
  sigaddset(&hup, SIGHUP);
  sigprocmask(SIG_BLOCK, &hup, NULL);
  show("before");
  raise(SIGUSR1);
  show("after");
  printf("handlers ran:");
  for (int i = 0; i < n; i++) printf(" %s", order[i] == SIGUSR1 ? "USR1" : "USR2");
  printf("; deepest nesting %d\n", max_depth);
  return 0;
}
