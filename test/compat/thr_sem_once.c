// POSIX semaphores between threads (unnamed, sem_trywait's EAGAIN,
// sem_timedwait's ETIMEDOUT) and across fork (pshared, in MAP_SHARED
// memory); pthread_once run once by 8 racing threads.
#include "compat.h"

#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>

static sem_t items, slots;
static long total;
static void* produce(void* arg) {
  (void)arg;
  for (long i = 1; i <= 5000; i++) {
    sem_wait(&slots);
    __atomic_add_fetch(&total, i, __ATOMIC_SEQ_CST);
    sem_post(&items);
  }
  return NULL;
}
static void* consume(void* arg) {
  (void)arg;
  for (int i = 0; i < 5000; i++) {
    sem_wait(&items);
    sem_post(&slots);
  }
  return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int inits;
static void init(void) {
  nap_ms(5);
  inits++;
}
static void* racer(void* arg) {
  (void)arg;
  pthread_once(&once, init);
  return (void*)(long)inits;
}

int main(void) {
  sem_init(&items, 0, 0);
  sem_init(&slots, 0, 4);
  pthread_t t[8];
  for (int i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, produce, NULL) == 0);
  for (int i = 2; i < 4; i++) CHECK(pthread_create(&t[i], NULL, consume, NULL) == 0);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  int v;
  sem_getvalue(&slots, &v);
  printf("semaphores: total %ld, slots back to %d\n", total, v);
  say("sem_trywait on 0", sem_trywait(&items));
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 20000000;
  if (ts.tv_nsec >= 1000000000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000000000;
  }
  say("sem_timedwait on 0", sem_timedwait(&items, &ts));

  sem_t* shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(shared != MAP_FAILED);
  sem_init(&shared[0], 1, 0);
  sem_init(&shared[1], 1, 0);
  pid_t k = fork();
  if (k == 0) {
    for (int i = 0; i < 100; i++) {
      sem_wait(&shared[0]);
      sem_post(&shared[1]);
    }
    _exit(0);
  }
  for (int i = 0; i < 100; i++) {
    sem_post(&shared[0]);
    sem_wait(&shared[1]);
  }
  int st;
  waitpid(k, &st, 0);
  printf("ping-pong with a child: 100 rounds, child exit %d\n", WEXITSTATUS(st));

  for (int i = 0; i < 8; i++) CHECK(pthread_create(&t[i], NULL, racer, NULL) == 0);
  int all_saw_one = 1;
  for (int i = 0; i < 8; i++) {
    void* r;
    pthread_join(t[i], &r);
    if ((long)r != 1) all_saw_one = 0;
  }
  printf("pthread_once: inits %d, every thread returned after it %d\n", inits, all_saw_one);
  return 0;
}
