// A process-directed signal in a threaded process: SIGALRM from alarm()
// and kill() reaches the one thread that does not block it, never a thread
// that blocks it, while the others sleep in nanosleep or spin; a
// thread-directed one (pthread_kill) reaches its thread even when another
// would take the process-directed kind. Then the handler's thread is named.
#include "compat.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

enum { kThreads = 4, kCatcher = 2 };
static _Thread_local int my_index = -1;
static atomic_int handled_by = -1;
static atomic_int hits;
// SIGUSR2's own: a late SIGUSR1 (one may still be pending after the
// kills) must not pass for the thread-directed signal's delivery.
static atomic_int usr2_by = -1;
static atomic_int usr2_hits;
static atomic_int stop;
static pthread_barrier_t ready;

static void on_signal(int sig) {
  if (sig == SIGUSR2) {
    atomic_store(&usr2_by, my_index);
    atomic_fetch_add(&usr2_hits, 1);
    return;
  }
  atomic_store(&handled_by, my_index);
  atomic_fetch_add(&hits, 1);
}

static void* worker(void* arg) {
  my_index = (int)(long)arg;
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGALRM);
  sigaddset(&s, SIGUSR1);
  // Only the catcher takes SIGALRM and SIGUSR1.
  pthread_sigmask(my_index == kCatcher ? SIG_UNBLOCK : SIG_BLOCK, &s, NULL);
  pthread_barrier_wait(&ready);
  volatile unsigned long spin = 0;
  while (!atomic_load(&stop)) {
    if (my_index % 2)
      nap_ms(2);
    else
      spin++;
  }
  return NULL;
}

static int wait_for(atomic_int* count, int want) {
  for (int i = 0; i < 5000 && atomic_load(count) < want; i++) nap_ms(1);
  return atomic_load(count);
}
static int wait_hits(int want) { return wait_for(&hits, want); }

int main(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigaction(SIGALRM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  // main blocks both; the workers inherit that and set their own.
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGALRM);
  sigaddset(&s, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &s, NULL);
  pthread_barrier_init(&ready, NULL, kThreads + 1);
  pthread_t t[kThreads];
  for (long i = 0; i < kThreads; i++) CHECK(pthread_create(&t[i], NULL, worker, (void*)i) == 0);
  pthread_barrier_wait(&ready);

  alarm(1);
  printf("alarm: hits %d, handled by thread %d\n", wait_hits(1), atomic_load(&handled_by));
  for (int round = 0; round < 20; round++) kill(getpid(), SIGUSR1);
  wait_hits(2);
  printf("kill x20: handled by thread %d, coalesced to at most 20: %s\n",
         atomic_load(&handled_by), atomic_load(&hits) <= 21 ? "yes" : "no");
  // Thread-directed: SIGUSR2, which nobody blocks, to thread 3.
  pthread_kill(t[3], SIGUSR2);
  wait_for(&usr2_hits, 1);
  printf("pthread_kill(3): handled by thread %d\n", atomic_load(&usr2_by));
  atomic_store(&stop, 1);
  for (int i = 0; i < kThreads; i++) pthread_join(t[i], NULL);
  printf("done\n");
  return 0;
}
