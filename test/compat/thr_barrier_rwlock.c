// Barriers (one serial thread per round, rounds in step) and read-write
// locks (readers together, a writer alone; tryrdlock/trywrlock).
#include "compat.h"

#include <pthread.h>

#define T 6
static pthread_barrier_t bar;
static int round_of[T], serial_count, out_of_step;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void* stepper(void* arg) {
  long me = (long)arg;
  for (int r = 0; r < 50; r++) {
    round_of[me] = r;
    int s = pthread_barrier_wait(&bar);
    for (int i = 0; i < T; i++)
      if (round_of[i] < r) out_of_step = 1;
    if (s == PTHREAD_BARRIER_SERIAL_THREAD) {
      pthread_mutex_lock(&m);
      serial_count++;
      pthread_mutex_unlock(&m);
    }
    pthread_barrier_wait(&bar);
  }
  return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long value, readers_now, max_readers_with_writer;
static void* reader(void* arg) {
  (void)arg;
  long seen = 0;
  for (int i = 0; i < 3000; i++) {
    pthread_rwlock_rdlock(&rw);
    __atomic_add_fetch(&readers_now, 1, __ATOMIC_SEQ_CST);
    seen += value & 1;  // a writer leaves value even
    __atomic_sub_fetch(&readers_now, 1, __ATOMIC_SEQ_CST);
    pthread_rwlock_unlock(&rw);
  }
  return (void*)seen;
}
static void* writer(void* arg) {
  (void)arg;
  for (int i = 0; i < 3000; i++) {
    pthread_rwlock_wrlock(&rw);
    if (__atomic_load_n(&readers_now, __ATOMIC_SEQ_CST)) max_readers_with_writer++;
    value++;
    value++;
    pthread_rwlock_unlock(&rw);
  }
  return NULL;
}
static void* try_both(void* arg) {
  (void)arg;
  int r = pthread_rwlock_tryrdlock(&rw);
  if (r == 0) pthread_rwlock_unlock(&rw);
  int w = pthread_rwlock_trywrlock(&rw);
  if (w == 0) pthread_rwlock_unlock(&rw);
  printf("  tryrdlock %s trywrlock %s\n", strerrorname_np(r) ? strerrorname_np(r) : "0",
         strerrorname_np(w) ? strerrorname_np(w) : "0");
  return NULL;
}
static void other(void) {
  pthread_t t;
  pthread_create(&t, NULL, try_both, NULL);
  pthread_join(t, NULL);
}

int main(void) {
  pthread_barrier_init(&bar, NULL, T);
  pthread_t t[T];
  for (long i = 0; i < T; i++) CHECK(pthread_create(&t[i], NULL, stepper, (void*)i) == 0);
  for (int i = 0; i < T; i++) pthread_join(t[i], NULL);
  printf("barrier: serial threads %d (one a round), out of step %d\n", serial_count, out_of_step);
  for (long i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, reader, NULL) == 0);
  for (long i = 4; i < 6; i++) CHECK(pthread_create(&t[i], NULL, writer, NULL) == 0);
  long odd = 0;
  for (int i = 0; i < 6; i++) {
    void* r;
    pthread_join(t[i], &r);
    if (i < 4) odd += (long)r;
  }
  printf("rwlock: value %ld, readers saw a half-write %ld, writer saw readers %ld\n", value, odd,
         max_readers_with_writer);
  printf("free:\n");
  other();
  pthread_rwlock_rdlock(&rw);
  printf("read-held:\n");
  other();
  pthread_rwlock_unlock(&rw);
  pthread_rwlock_wrlock(&rw);
  printf("write-held:\n");
  other();
  pthread_rwlock_unlock(&rw);
  return 0;
}
