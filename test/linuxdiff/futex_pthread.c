// glibc's threads on futexes: mutex contention, condition variables (and
// their timeouts on both clocks), semaphores, barriers, pthread_join (the
// CLONE_CHILD_CLEARTID word's wake), robust mutexes whose owner died
// (EOWNERDEAD: the kernel's robust-list walk, with and without a waiter
// asleep), and exit_group ending a thread asleep in a futex. (qemu-user
// has no set_robust_list: there glibc walks a returning thread's list
// itself; futex_robust.c holds what only a kernel can do.)
#include "ld.h"

#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

enum { kThreads = 4, kRounds = 20000 };

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void* add(void* arg) {
  (void)arg;
  for (int i = 0; i < kRounds; i++) {
    pthread_mutex_lock(&count_lock);
    counter++;
    pthread_mutex_unlock(&count_lock);
  }
  return NULL;
}

// A queue of one slot, a producer and a consumer.
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_full = PTHREAD_COND_INITIALIZER, q_empty = PTHREAD_COND_INITIALIZER;
static int slot, has_item;

static void* produce(void* arg) {
  (void)arg;
  for (int i = 1; i <= 1000; i++) {
    pthread_mutex_lock(&q_lock);
    while (has_item) pthread_cond_wait(&q_empty, &q_lock);
    slot = i;
    has_item = 1;
    pthread_cond_signal(&q_full);
    pthread_mutex_unlock(&q_lock);
  }
  return NULL;
}

static void* sleep_then_exit(void* arg) {
  nap_ms(50);  // the joiner is asleep on the tid word by then
  return arg;
}

static pthread_mutex_t robust;
static void* lock_and_die(void* arg) {
  pthread_mutex_lock(&robust);
  if (arg) nap_ms(100);  // the main thread blocks on it meanwhile
  return NULL;           // ends holding it
}

static sem_t sem;
static void* post_later(void* arg) {
  (void)arg;
  nap_ms(30);
  sem_post(&sem);
  return NULL;
}

static pthread_barrier_t barrier;
static void* at_barrier(void* arg) {
  (void)arg;
  return (void*)(intptr_t)pthread_barrier_wait(&barrier);
}

static uint32_t forever_word;
static void* wait_forever(void* arg) {
  (void)arg;
  syscall(SYS_futex, &forever_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
  return NULL;
}

static void cond_timeout(clockid_t clock) {
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, clock);
  pthread_cond_t cv;
  pthread_cond_init(&cv, &ca);
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  struct timespec ts;
  clock_gettime(clock, &ts);
  ts.tv_nsec += 40 * 1000000;
  if (ts.tv_nsec >= 1000000000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000;
  }
  pthread_mutex_lock(&m);
  const long t0 = now_ms();
  int r = pthread_cond_timedwait(&cv, &m, &ts);
  const long took = now_ms() - t0;
  pthread_mutex_unlock(&m);
  printf("cond_timedwait on %s: %s, %s\n", clock == CLOCK_MONOTONIC ? "MONOTONIC" : "REALTIME",
         strerrorname_np(r), took >= 30 ? "after the deadline" : "early");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pthread_t t[kThreads];

  for (int i = 0; i < kThreads; i++) pthread_create(&t[i], NULL, add, NULL);
  for (int i = 0; i < kThreads; i++) pthread_join(t[i], NULL);
  printf("mutex: %ld of %d\n", counter, kThreads * kRounds);

  pthread_create(&t[0], NULL, produce, NULL);
  long sum = 0;
  for (int i = 0; i < 1000; i++) {
    pthread_mutex_lock(&q_lock);
    while (!has_item) pthread_cond_wait(&q_full, &q_lock);
    sum += slot;
    has_item = 0;
    pthread_cond_signal(&q_empty);
    pthread_mutex_unlock(&q_lock);
  }
  pthread_join(t[0], NULL);
  printf("condvar: sum %ld\n", sum);
  cond_timeout(CLOCK_MONOTONIC);
  cond_timeout(CLOCK_REALTIME);

  void* ret;
  pthread_create(&t[0], NULL, sleep_then_exit, (void*)42);
  printf("join: %d, returned %ld\n", pthread_join(t[0], &ret), (long)(intptr_t)ret);

  sem_init(&sem, 0, 0);
  pthread_create(&t[0], NULL, post_later, NULL);
  printf("sem_wait: %d\n", sem_wait(&sem));
  pthread_join(t[0], NULL);
  struct timespec soon;
  clock_gettime(CLOCK_REALTIME, &soon);
  soon.tv_nsec = (soon.tv_nsec + 20 * 1000000) % 1000000000;
  if (soon.tv_nsec < 20 * 1000000) soon.tv_sec++;
  printf("sem_timedwait: %d %s\n", sem_timedwait(&sem, &soon), strerrorname_np(errno));

  pthread_barrier_init(&barrier, NULL, kThreads + 1);
  for (int i = 0; i < kThreads; i++) pthread_create(&t[i], NULL, at_barrier, NULL);
  int serial = pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD;
  for (int i = 0; i < kThreads; i++) {
    pthread_join(t[i], &ret);
    serial += (intptr_t)ret == PTHREAD_BARRIER_SERIAL_THREAD;
  }
  printf("barrier: %d serial thread\n", serial);

  // Robust mutexes: the owner dies holding it.
  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&robust, &ma);
  pthread_create(&t[0], NULL, lock_and_die, NULL);
  pthread_join(t[0], NULL);
  int e = pthread_mutex_lock(&robust);
  printf("robust, owner gone: %s\n", strerrorname_np(e));
  printf("consistent: %d\n", pthread_mutex_consistent(&robust));
  pthread_mutex_unlock(&robust);
  printf("lock again: %d\n", pthread_mutex_lock(&robust));
  pthread_mutex_unlock(&robust);
  pthread_create(&t[0], NULL, lock_and_die, (void*)1);
  nap_ms(30);  // it holds the lock: we sleep in the kernel until it dies
  e = pthread_mutex_lock(&robust);
  printf("robust, owner dies while we wait: %s\n", strerrorname_np(e));
  pthread_mutex_consistent(&robust);
  pthread_mutex_unlock(&robust);
  pthread_join(t[0], NULL);

  int st;
  // exit_group ends a thread asleep in a futex.
  pid_t c = fork();
  if (c == 0) {
    pthread_create(&t[0], NULL, wait_forever, NULL);
    nap_ms(30);
    exit(7);
  }
  waitpid(c, &st, 0);
  printf("exit with a thread in FUTEX_WAIT: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
