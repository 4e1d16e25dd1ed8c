// The usual daemon pattern: every thread blocks SIGUSR1, SIGUSR2 and
// SIGTERM, and one dedicated thread takes them with sigwait; signals sent
// to the process (kill) and to the thread (pthread_kill) both reach it,
// and sigwaitinfo/sigtimedwait report what came.
#include "compat.h"

#include <pthread.h>
#include <signal.h>

static sigset_t set;
static volatile int counts[65];

static void* sigthread(void* arg) {
  (void)arg;
  for (;;) {
    int sig;
    CHECK(sigwait(&set, &sig) == 0);
    counts[sig]++;
    if (sig == SIGTERM) return NULL;
  }
}

static void* busy(void* arg) {
  (void)arg;
  long x = 0;
  for (int i = 0; i < 2000; i++) {
    x += i;
    if (i % 100 == 0) nap_ms(1);
  }
  return (void*)x;
}

int main(void) {
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGUSR2);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  pthread_t st, b[3];
  CHECK(pthread_create(&st, NULL, sigthread, NULL) == 0);
  for (int i = 0; i < 3; i++) CHECK(pthread_create(&b[i], NULL, busy, NULL) == 0);
  // One at a time, each taken before the next is sent (the same standard
  // signal pending twice would be one).
  for (int i = 0; i < 5; i++) {
    int before = counts[SIGUSR1];
    kill(getpid(), SIGUSR1);
    for (int k = 0; k < 5000 && counts[SIGUSR1] == before; k++) nap_ms(1);
    before = counts[SIGUSR2];
    pthread_kill(st, SIGUSR2);
    for (int k = 0; k < 5000 && counts[SIGUSR2] == before; k++) nap_ms(1);
  }
  kill(getpid(), SIGTERM);
  pthread_join(st, NULL);
  for (int i = 0; i < 3; i++) pthread_join(b[i], NULL);
  printf("sigwait thread took USR1 %d USR2 %d TERM %d\n", counts[SIGUSR1], counts[SIGUSR2],
         counts[SIGTERM]);
  // sigwaitinfo in the main thread: what a kill says.
  union sigval v = {.sival_int = 77};
  sigqueue(getpid(), SIGUSR1, v);
  siginfo_t si;
  CHECK(sigwaitinfo(&set, &si) == SIGUSR1);
  printf("sigwaitinfo: signo %d code SI_QUEUE %d value %d same pid %d\n", si.si_signo,
         si.si_code == SI_QUEUE, si.si_value.sival_int, si.si_pid == getpid());
  struct timespec ts = {0, 20000000};
  say("sigtimedwait with nothing pending", sigtimedwait(&set, &si, &ts));
  return 0;
}
