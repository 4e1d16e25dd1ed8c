// A standard signal is pending at most once per list, not once in all:
// kill puts it on the process's shared list, tgkill (glibc's raise) on the
// thread's own (Linux's legacy_queue looks at the list it posts to). So a
// blocked SIGUSR1 sent both ways, twice each, is delivered twice once
// unblocked: the thread's first (dequeue_signal), then the shared one.
// (glibc's sigtimedwait reports SI_TKILL as SI_USER.)
#include "ld.h"

#include <signal.h>
#include <sys/syscall.h>

static int codes[8], n;

static void handler(int sig, siginfo_t* si, void* uc) {
  (void)sig;
  (void)uc;
  if (n < 8) codes[n++] = si->si_code;
}

static void both_ways(void) {
  kill(getpid(), SIGUSR1);
  syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, &old);
  both_ways();
  both_ways();
  sigset_t pend;
  sigpending(&pend);
  printf("SIGUSR1 pending = %d\n", sigismember(&pend, SIGUSR1));
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("handler ran %d times, si_code:", n);
  for (int i = 0; i < n; i++) printf(" %d", codes[i]);
  printf(" (SI_TKILL %d, SI_USER %d)\n", SI_TKILL, SI_USER);

  sigprocmask(SIG_BLOCK, &set, NULL);
  both_ways();
  struct timespec zero = {0, 0};
  siginfo_t si;
  int taken = 0;
  while (sigtimedwait(&set, &si, &zero) == SIGUSR1) taken++;
  printf("sigtimedwait took %d\n", taken);
  sigpending(&pend);
  printf("SIGUSR1 pending after = %d\n", sigismember(&pend, SIGUSR1));

  // SIG_IGN flushes both lists.
  both_ways();
  signal(SIGUSR1, SIG_IGN);
  sigpending(&pend);
  printf("SIGUSR1 pending after SIG_IGN = %d\n", sigismember(&pend, SIGUSR1));
  return 0;
}
