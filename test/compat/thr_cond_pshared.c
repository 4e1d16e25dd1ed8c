// A process-shared mutex and condition variable, the condvar on
// CLOCK_MONOTONIC (pthread_condattr_setclock), in a MAP_SHARED page: a
// parent and its forked child take turns 500 times each, each waiting on
// the condvar for its turn (shared futexes: the same page in two address
// spaces). A thread of the parent then waits on the same condvar until the
// child's broadcast releases it, and the child's timed wait, its deadline
// 50 ms ahead on the monotonic clock, times out no sooner than that.
#include "compat.h"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define TURNS 500
struct shared {
  pthread_mutex_t m;
  pthread_cond_t c;
  int turn, count, waiters, done;
};
static struct shared* s;

static void take_turns(int me) {
  for (int i = 0; i < TURNS; i++) {
    pthread_mutex_lock(&s->m);
    while (s->turn != me) pthread_cond_wait(&s->c, &s->m);
    s->count++;
    s->turn = !me;
    pthread_cond_broadcast(&s->c);
    pthread_mutex_unlock(&s->m);
  }
}

static void* waiter(void* arg) {
  (void)arg;
  pthread_mutex_lock(&s->m);
  s->waiters++;
  pthread_cond_broadcast(&s->c);
  while (!s->done) pthread_cond_wait(&s->c, &s->m);
  pthread_mutex_unlock(&s->m);
  return NULL;
}

static void child(void) {
  take_turns(1);
  pthread_mutex_lock(&s->m);
  while (s->waiters < 1) pthread_cond_wait(&s->c, &s->m);
  s->done = 1;
  pthread_cond_broadcast(&s->c);
  // Nobody sets this one: the wait ends at its deadline, on CLOCK_MONOTONIC.
  struct timespec dl;
  clock_gettime(CLOCK_MONOTONIC, &dl);
  dl.tv_nsec += 50 * 1000000;
  if (dl.tv_nsec >= 1000000000) {
    dl.tv_sec++;
    dl.tv_nsec -= 1000000000;
  }
  const long t0 = now_ms();
  int r;
  while ((r = pthread_cond_timedwait(&s->c, &s->m, &dl)) == 0) {
  }
  const long took = now_ms() - t0;
  pthread_mutex_unlock(&s->m);
  printf("child: timed wait %s, at least 49 ms %d\n", strerrorname_np(r), took >= 49);
  _exit(7);
}

int main(void) {
  s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(s != MAP_FAILED);
  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  CHECK(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) == 0);
  CHECK(pthread_mutex_init(&s->m, &ma) == 0);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  CHECK(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED) == 0);
  CHECK(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0);
  clockid_t clk;
  pthread_condattr_getclock(&ca, &clk);
  printf("condattr clock monotonic %d\n", clk == CLOCK_MONOTONIC);
  CHECK(pthread_cond_init(&s->c, &ca) == 0);
  fflush(stdout);
  const pid_t c = fork();
  CHECK(c >= 0);
  if (c == 0) child();
  take_turns(0);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, waiter, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  int st;
  CHECK(waitpid(c, &st, 0) == c);
  printf("parent: turns %d, waiter released %d, child exit %d\n", s->count, s->done,
         WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
