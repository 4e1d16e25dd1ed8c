// Process-shared and robust mutexes: a pshared mutex and condition
// variable in MAP_SHARED memory used by parent and child; a robust mutex
// whose owner thread exits holding it (EOWNERDEAD to the next locker,
// pthread_mutex_consistent, then normal). robust_exit.c has the robust
// mutex whose owner process dies.
#include "compat.h"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

struct shared {
  pthread_mutex_t m;
  pthread_cond_t c;
  int turn;
  long count;
};

static pthread_mutex_t robust_local;
static void* die_holding(void* arg) {
  pthread_mutex_lock((pthread_mutex_t*)arg);
  return NULL;  // ends holding it
}

int main(void) {
  struct shared* s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                          -1, 0);
  CHECK(s != MAP_FAILED);
  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(&s->m, &ma);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
  pthread_cond_init(&s->c, &ca);
  // Parent and child take turns 200 times through the condition variable.
  pid_t k = fork();
  if (k == 0) {
    for (int i = 0; i < 100; i++) {
      pthread_mutex_lock(&s->m);
      while (s->turn != 1) pthread_cond_wait(&s->c, &s->m);
      s->count += 2;
      s->turn = 0;
      pthread_cond_broadcast(&s->c);
      pthread_mutex_unlock(&s->m);
    }
    _exit(0);
  }
  for (int i = 0; i < 100; i++) {
    pthread_mutex_lock(&s->m);
    while (s->turn != 0) pthread_cond_wait(&s->c, &s->m);
    s->count += 1;
    s->turn = 1;
    pthread_cond_broadcast(&s->c);
    pthread_mutex_unlock(&s->m);
  }
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  printf("pshared turns: count %ld, child exit %d\n", s->count, WEXITSTATUS(st));

  pthread_mutexattr_t ra;
  pthread_mutexattr_init(&ra);
  pthread_mutexattr_setrobust(&ra, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&robust_local, &ra);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, die_holding, &robust_local) == 0);
  pthread_join(t, NULL);
  int r = pthread_mutex_lock(&robust_local);
  say_err("lock after the owner thread ended", r);
  if (r == EOWNERDEAD) say_err("consistent", pthread_mutex_consistent(&robust_local));
  say_err("unlock", pthread_mutex_unlock(&robust_local));
  say_err("lock again", pthread_mutex_lock(&robust_local));
  pthread_mutex_unlock(&robust_local);

  return 0;
}
