// Condition variables: a bounded queue with 4 producers and 4 consumers,
// broadcast to release all waiters, timed waits on CLOCK_REALTIME and
// CLOCK_MONOTONIC that time out.
#include "compat.h"

#include <pthread.h>

#define N 8
static int q[N], head, tail, count;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static long consumed[4];

static void* producer(void* arg) {
  long base = (long)arg * 10000;
  for (long i = 1; i <= 2000; i++) {
    pthread_mutex_lock(&m);
    while (count == N) pthread_cond_wait(&not_full, &m);
    q[tail] = (int)(base + i);
    tail = (tail + 1) % N;
    count++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&m);
  }
  return NULL;
}

static void* consumer(void* arg) {
  long me = (long)arg;
  for (int i = 0; i < 2000; i++) {
    pthread_mutex_lock(&m);
    while (count == 0) pthread_cond_wait(&not_empty, &m);
    consumed[me] += q[head];
    head = (head + 1) % N;
    count--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&m);
  }
  return NULL;
}

static int go, woken;
static pthread_cond_t gate = PTHREAD_COND_INITIALIZER;
static void* waiter(void* arg) {
  (void)arg;
  pthread_mutex_lock(&m);
  while (!go) pthread_cond_wait(&gate, &m);
  woken++;
  pthread_mutex_unlock(&m);
  return NULL;
}

static void timed(const char* what, clockid_t clk) {
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, clk);
  pthread_cond_t c;
  pthread_cond_init(&c, &ca);
  struct timespec ts;
  clock_gettime(clk, &ts);
  ts.tv_nsec += 30 * 1000000;
  if (ts.tv_nsec >= 1000000000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000;
  }
  long t0 = now_ms();
  pthread_mutex_lock(&m);
  int r = pthread_cond_timedwait(&c, &m, &ts);
  pthread_mutex_unlock(&m);
  printf("%s timedwait: %s, waited at least 25 ms %d\n", what, strerrorname_np(r),
         now_ms() - t0 >= 25);
}

int main(void) {
  pthread_t t[8];
  for (long i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, producer, (void*)i) == 0);
  for (long i = 0; i < 4; i++) CHECK(pthread_create(&t[4 + i], NULL, consumer, (void*)i) == 0);
  for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
  long total = 0;
  for (int i = 0; i < 4; i++) total += consumed[i];
  printf("consumed total %ld, queue left %d\n", total, count);

  for (int i = 0; i < 6; i++) CHECK(pthread_create(&t[i], NULL, waiter, NULL) == 0);
  pthread_mutex_lock(&m);
  go = 1;
  pthread_cond_broadcast(&gate);
  pthread_mutex_unlock(&m);
  for (int i = 0; i < 6; i++) pthread_join(t[i], NULL);
  printf("broadcast woke %d\n", woken);
  timed("CLOCK_REALTIME", CLOCK_REALTIME);
  timed("CLOCK_MONOTONIC", CLOCK_MONOTONIC);
  return 0;
}
