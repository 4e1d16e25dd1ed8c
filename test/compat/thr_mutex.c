// Mutexes: 8 threads adding under a normal mutex, trylock's EBUSY,
// error-checking (EDEADLK, EPERM), recursive, timedlock's ETIMEDOUT, and
// a spin lock.
#include "compat.h"

#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_spinlock_t spin;
static long counter, spun;

static void* add(void* arg) {
  (void)arg;
  for (int i = 0; i < 20000; i++) {
    pthread_mutex_lock(&m);
    counter++;
    pthread_mutex_unlock(&m);
    pthread_spin_lock(&spin);
    spun++;
    pthread_spin_unlock(&spin);
  }
  return NULL;
}

static void* try_other(void* arg) {
  return (void*)(long)pthread_mutex_trylock((pthread_mutex_t*)arg);
}

static void* timed_other(void* arg) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 50 * 1000000;
  if (ts.tv_nsec >= 1000000000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000;
  }
  return (void*)(long)pthread_mutex_timedlock((pthread_mutex_t*)arg, &ts);
}

static int in_thread(void* (*fn)(void*), void* arg) {
  pthread_t t;
  void* r;
  CHECK(pthread_create(&t, NULL, fn, arg) == 0);
  CHECK(pthread_join(t, &r) == 0);
  return (int)(long)r;
}

int main(void) {
  pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
  pthread_t t[8];
  for (int i = 0; i < 8; i++) CHECK(pthread_create(&t[i], NULL, add, NULL) == 0);
  for (int i = 0; i < 8; i++) pthread_join(t[i], NULL);
  printf("counter %ld spun %ld\n", counter, spun);

  pthread_mutex_lock(&m);
  say_err("trylock from another thread while held", in_thread(try_other, &m));
  say_err("timedlock from another thread while held", in_thread(timed_other, &m));
  pthread_mutex_unlock(&m);
  int r = in_thread(try_other, &m);
  say_err("trylock when free", r);  // that thread ended holding it
  pthread_mutex_init(&m, NULL);

  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_t ec;
  pthread_mutex_init(&ec, &a);
  say_err("errorcheck unlock unlocked", pthread_mutex_unlock(&ec));
  pthread_mutex_lock(&ec);
  say_err("errorcheck relock", pthread_mutex_lock(&ec));
  pthread_mutex_unlock(&ec);

  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_t rec;
  pthread_mutex_init(&rec, &a);
  for (int i = 0; i < 3; i++) say_err("recursive lock", pthread_mutex_lock(&rec));
  say_err("recursive trylock elsewhere", in_thread(try_other, &rec));
  for (int i = 0; i < 3; i++) say_err("recursive unlock", pthread_mutex_unlock(&rec));
  say_err("recursive unlock once more", pthread_mutex_unlock(&rec));
  pthread_mutexattr_destroy(&a);
  return 0;
}
