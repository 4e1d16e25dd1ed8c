// pthread_create and pthread_join: return values, 64 threads alive at
// once, 300 one after another, each with its own tid in the same process,
// and joinable/detached attributes.
#include "compat.h"

#include <pthread.h>
#include <sys/syscall.h>

static pid_t tids[64];

static void* work(void* arg) {
  long i = (long)arg;
  tids[i] = (pid_t)syscall(SYS_gettid);
  return (void*)(i * i);
}

static pthread_barrier_t bar;
static void* wait_all(void* arg) {
  pthread_barrier_wait(&bar);
  return work(arg);
}

int main(void) {
  pthread_t t[64];
  long sum = 0;
  for (long i = 0; i < 300; i++) {
    pthread_t one;
    CHECK(pthread_create(&one, NULL, work, (void*)(i % 64)) == 0);
    void* r;
    CHECK(pthread_join(one, &r) == 0);
    sum += (long)r;
  }
  printf("300 in turn: sum of squares %ld\n", sum);
  CHECK(pthread_barrier_init(&bar, NULL, 65) == 0);
  for (long i = 0; i < 64; i++) CHECK(pthread_create(&t[i], NULL, wait_all, (void*)i) == 0);
  pthread_barrier_wait(&bar);  // all 64 alive here at once
  sum = 0;
  for (int i = 0; i < 64; i++) {
    void* r;
    CHECK(pthread_join(t[i], &r) == 0);
    sum += (long)r;
  }
  int distinct = 1;
  pid_t me = (pid_t)syscall(SYS_gettid);
  for (int i = 0; i < 64; i++) {
    if (tids[i] == me || tids[i] == getpid()) distinct = 0;
    for (int j = 0; j < i; j++)
      if (tids[i] == tids[j]) distinct = 0;
  }
  printf("64 at once: sum %ld, tids distinct and not the pid %d, main's tid is the pid %d\n", sum,
         distinct, me == getpid());
  // Joining twice, joining a detached thread, joining oneself.
  pthread_t d;
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  CHECK(pthread_create(&d, &a, work, (void*)0) == 0);
  int ds;
  pthread_attr_getdetachstate(&a, &ds);
  printf("detached attr %d\n", ds == PTHREAD_CREATE_DETACHED);
  say_err("join self", pthread_join(pthread_self(), NULL));
  // A stack size of our choosing, and a thread that fills much of it.
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_JOINABLE);
  CHECK(pthread_attr_setstacksize(&a, 1 << 20) == 0);
  size_t ss;
  pthread_attr_getstacksize(&a, &ss);
  printf("stack size %zu\n", ss);
  pthread_t big;
  CHECK(pthread_create(&big, &a, work, (void*)3) == 0);
  void* r;
  CHECK(pthread_join(big, &r) == 0);
  printf("with 1 MiB stack: %ld\n", (long)r);
  pthread_attr_destroy(&a);
  return 0;
}
