// pthread_cancel: a thread asleep in a cancellation point (read on a pipe,
// pthread_cond_wait, nanosleep) ends with PTHREAD_CANCELED and runs its
// cleanup handlers; cancel disabled defers it; asynchronous cancel of a
// spinning thread.
#include "compat.h"

#include <pthread.h>

static int cleaned;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int pipefd[2];
static volatile int started;

static void cleanup(void* arg) { cleaned += (int)(long)arg; }
static void unlock(void* arg) { pthread_mutex_unlock((pthread_mutex_t*)arg); }

static void* in_read(void* arg) {
  (void)arg;
  pthread_cleanup_push(cleanup, (void*)1);
  char ch;
  started = 1;
  (void)!read(pipefd[0], &ch, 1);
  pthread_cleanup_pop(0);
  return NULL;
}
static void* in_cond(void* arg) {
  (void)arg;
  pthread_mutex_lock(&m);
  pthread_cleanup_push(unlock, &m);
  pthread_cleanup_push(cleanup, (void*)10);
  started = 1;
  for (;;) pthread_cond_wait(&c, &m);
  pthread_cleanup_pop(0);
  pthread_cleanup_pop(0);
  return NULL;
}
static void* in_sleep(void* arg) {
  (void)arg;
  pthread_cleanup_push(cleanup, (void*)100);
  started = 1;
  for (;;) sleep(10);
  pthread_cleanup_pop(0);
  return NULL;
}
static void* deferred(void* arg) {
  (void)arg;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
  started = 1;
  nap_ms(30);  // a cancel arrives meanwhile and waits
  pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
  pthread_testcancel();
  return (void*)7;
}
static void* spinning(void* arg) {
  (void)arg;
  pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
  started = 1;
  for (;;) __asm__ volatile("" ::: "memory");
  return NULL;
}

static void run(const char* what, void* (*fn)(void*)) {
  pthread_t t;
  started = 0;
  CHECK(pthread_create(&t, NULL, fn, NULL) == 0);
  while (!started) nap_ms(1);
  nap_ms(5);
  CHECK(pthread_cancel(t) == 0);
  void* r;
  CHECK(pthread_join(t, &r) == 0);
  printf("%s: canceled %d, cleanup sum now %d\n", what, r == PTHREAD_CANCELED, cleaned);
}

int main(void) {
  CHECK(pipe(pipefd) == 0);
  run("read", in_read);
  run("cond_wait", in_cond);
  printf("mutex free after cond_wait's cancel: %d\n", pthread_mutex_trylock(&m) == 0);
  pthread_mutex_unlock(&m);
  run("sleep", in_sleep);
  run("disabled then testcancel", deferred);
  run("asynchronous", spinning);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, in_sleep, NULL) == 0);
  pthread_detach(t);
  say_err("cancel of a detached sleeper", pthread_cancel(t));
  // Not return: exit() would run while the sleeper is still unwinding,
  // which aborts now and then (on Linux too). The process ends, status 0,
  // when its last thread has gone.
  pthread_exit(NULL);
}
