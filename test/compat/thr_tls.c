// Thread-local storage: __thread variables start from their initial
// values in every thread (initialised and zero), each thread's copy is
// its own, and pthread keys with destructors run at thread exit.
#include "compat.h"

#include <pthread.h>

static __thread long counter = 100;
static __thread char name[16] = "initial";
static __thread int zero;
static pthread_key_t key;
static long destructed;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void dtor(void* v) {
  pthread_mutex_lock(&m);
  destructed += (long)v;
  pthread_mutex_unlock(&m);
}

static void* work(void* arg) {
  long me = (long)arg;
  long ok = counter == 100 && strcmp(name, "initial") == 0 && zero == 0;
  for (int i = 0; i < 1000; i++) counter += me;
  snprintf(name, sizeof name, "t%ld", me);
  zero = (int)me;
  pthread_setspecific(key, (void*)(me + 1));
  nap_ms(1);
  char want[16];
  snprintf(want, sizeof want, "t%ld", me);
  ok = ok && counter == 100 + 1000 * me && strcmp(name, want) == 0 && zero == me &&
       (long)pthread_getspecific(key) == me + 1;
  return (void*)ok;
}

int main(void) {
  CHECK(pthread_key_create(&key, dtor) == 0);
  counter = 5;
  strcpy(name, "main");
  pthread_t t[8];
  for (long i = 0; i < 8; i++) CHECK(pthread_create(&t[i], NULL, work, (void*)i) == 0);
  int good = 0;
  for (int i = 0; i < 8; i++) {
    void* r;
    pthread_join(t[i], &r);
    good += (int)(long)r;
  }
  printf("threads with their own TLS: %d of 8\n", good);
  printf("main's copy: %ld %s %d, key %ld\n", counter, name, zero, (long)pthread_getspecific(key));
  printf("key destructors ran with the sum %ld\n", destructed);
  return 0;
}
