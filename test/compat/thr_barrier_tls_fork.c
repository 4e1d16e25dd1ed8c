// Threads, a barrier, thread-local storage and signals across fork. Four
// threads set their own __thread values and meet at a barrier 50 times;
// then one of them forks while the other three wait at the next barrier.
// The child is one thread, the forker's: it has the forker's TLS values
// (not the main thread's), the forker's signal mask and the process's
// handlers, but not the signal pending on the forker (POSIX: the child's
// pending set is empty), and a barrier of its own passes with its one
// thread. The parent's threads then pass that barrier and keep their TLS.
#include "compat.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#define T 4
#define ROUNDS 50
static __thread long tls_id = -1;
static __thread char tls_name[16] = "main";
static pthread_barrier_t bar;
static volatile sig_atomic_t got_usr1, got_usr2;
static long sums[T], serials, child_status = -1, usr2_after_fork = -1;
static int tls_kept[T];

static void on_usr1(int s) { (void)s; got_usr1++; }
static void on_usr2(int s) { (void)s; got_usr2++; }

static void child_of(long id) {
  printf("child: tls_id %ld (forker %ld), tls_name %s\n", tls_id, id, tls_name);
  sigset_t cur, pend;
  pthread_sigmask(SIG_SETMASK, NULL, &cur);
  printf("child: SIGUSR2 blocked %d, SIGUSR1 blocked %d\n", sigismember(&cur, SIGUSR2),
         sigismember(&cur, SIGUSR1));
  sigpending(&pend);
  printf("child: SIGUSR2 pending %d\n", sigismember(&pend, SIGUSR2));
  raise(SIGUSR1);  // the handler came across the fork
  printf("child: SIGUSR1 handled %d\n", (int)got_usr1);
  pthread_barrier_t one;
  CHECK(pthread_barrier_init(&one, NULL, 1) == 0);
  printf("child: barrier of 1 passes, serial %d\n",
         pthread_barrier_wait(&one) == PTHREAD_BARRIER_SERIAL_THREAD);
  sigset_t u2;
  sigemptyset(&u2);
  sigaddset(&u2, SIGUSR2);
  pthread_sigmask(SIG_UNBLOCK, &u2, NULL);  // nothing pending: no handler
  printf("child: SIGUSR2 handled %d\n", (int)got_usr2);
  _exit(40 + (int)id);
}

static void* worker(void* arg) {
  const long id = (long)arg;
  tls_id = id;
  snprintf(tls_name, sizeof tls_name, "worker%ld", id);
  for (int round = 0; round < ROUNDS; round++) {
    sums[id] += round * (id + 1);
    if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
      __atomic_fetch_add(&serials, 1, __ATOMIC_RELAXED);
  }
  if (id == 2) {
    // SIGUSR2 pending on this thread only, blocked: fork must not copy it.
    sigset_t u2;
    sigemptyset(&u2);
    sigaddset(&u2, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &u2, NULL);
    pthread_kill(pthread_self(), SIGUSR2);
    const pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) child_of(id);
    int st;
    CHECK(waitpid(c, &st, 0) == c);
    child_status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
    pthread_sigmask(SIG_UNBLOCK, &u2, NULL);  // here it was pending: it runs
    usr2_after_fork = got_usr2;
  }
  if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
    __atomic_fetch_add(&serials, 1, __ATOMIC_RELAXED);
  char want[16];
  snprintf(want, sizeof want, "worker%ld", id);
  tls_kept[id] = tls_id == id && strcmp(tls_name, want) == 0;
  return NULL;
}

int main(void) {
  struct sigaction sa = {.sa_handler = on_usr1};
  sigaction(SIGUSR1, &sa, NULL);
  sa.sa_handler = on_usr2;
  sigaction(SIGUSR2, &sa, NULL);
  CHECK(pthread_barrier_init(&bar, NULL, T) == 0);
  printf("parent: %d threads, %d rounds\n", T, ROUNDS);
  pthread_t th[T];
  for (long i = 0; i < T; i++) CHECK(pthread_create(&th[i], NULL, worker, (void*)i) == 0);
  for (int i = 0; i < T; i++) pthread_join(th[i], NULL);
  printf("parent: child exit %ld\n", child_status);
  printf("parent: SIGUSR2 handled after fork %ld, SIGUSR1 handled %d\n", usr2_after_fork,
         (int)got_usr1);
  printf("parent: serial threads %ld\n", serials);
  for (int i = 0; i < T; i++) printf("parent: worker %d sum %ld, tls kept %d\n", i, sums[i], tls_kept[i]);
  printf("parent: main tls_id %ld, tls_name %s\n", tls_id, tls_name);
  CHECK(pthread_barrier_destroy(&bar) == 0);
  return 0;
}
