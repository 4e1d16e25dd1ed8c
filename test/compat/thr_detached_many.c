// Detached threads by the hundred: 500 of them, at most 32 alive at once
// (a counting semaphore), each adding its number to a sum under a mutex
// and posting when done; nothing joins them. Then a joinable thread still
// starts and joins (the detached ones' stacks and tids came back).
#include "compat.h"

#include <pthread.h>
#include <semaphore.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long sum;
static sem_t slots, done;

static void* work(void* arg) {
  pthread_mutex_lock(&lock);
  sum += (long)arg;
  pthread_mutex_unlock(&lock);
  sem_post(&slots);
  sem_post(&done);
  return NULL;
}

int main(void) {
  sem_init(&slots, 0, 32);
  sem_init(&done, 0, 0);
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  int failed = 0;
  for (long i = 1; i <= 500; i++) {
    sem_wait(&slots);
    pthread_t t;
    if (pthread_create(&t, &a, work, (void*)i) != 0) failed++;
  }
  for (int i = 0; i < 500 - failed; i++) sem_wait(&done);
  printf("created 500, failed %d, sum %ld (want %d)\n", failed, sum, 500 * 501 / 2);
  pthread_t last;
  void* r = NULL;
  CHECK(pthread_create(&last, NULL, work, (void*)0) == 0);
  CHECK(pthread_join(last, &r) == 0);
  printf("a joinable thread after them: joined, sum %ld\n", sum);
  return 0;
}
