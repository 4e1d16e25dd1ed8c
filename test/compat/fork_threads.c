// fork in a threaded process: the child has only the forking thread
// (the others' work stops there), its tid is its pid, it can start
// threads of its own; a thread other than main can fork, and the parent
// waits for that child from yet another thread.
#include "compat.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile long ticks;
static volatile int stop;
static void* ticker(void* arg) {
  (void)arg;
  while (!stop) {
    ticks++;
    nap_ms(1);
  }
  return NULL;
}
static void* square(void* arg) { return (void*)((long)arg * (long)arg); }

static pid_t forked_by_thread;
static void* forker(void* arg) {
  (void)arg;
  pid_t k = fork();
  if (k == 0) _exit(syscall(SYS_gettid) == getpid() ? 21 : 22);
  forked_by_thread = k;
  return NULL;
}
static void* reaper(void* arg) {
  int st;
  pid_t k = *(pid_t*)arg;
  return (void*)(long)(waitpid(k, &st, 0) == k ? WEXITSTATUS(st) : -1);
}

int main(void) {
  pthread_t t[3];
  for (int i = 0; i < 3; i++) CHECK(pthread_create(&t[i], NULL, ticker, NULL) == 0);
  while (ticks < 10) nap_ms(1);
  pid_t k = fork();
  if (k == 0) {
    long before = ticks;
    nap_ms(50);
    int frozen = ticks == before;
    pthread_t c;
    void* r;
    CHECK(pthread_create(&c, NULL, square, (void*)9) == 0);
    pthread_join(c, &r);
    printf("child: others' work frozen %d, tid is pid %d, own thread gives %ld\n", frozen,
           syscall(SYS_gettid) == getpid(), (long)r);
    exit(0);
  }
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  printf("child exited %d\n", WEXITSTATUS(st));
  long before = ticks;
  nap_ms(20);
  printf("parent's threads still running %d\n", ticks > before);
  stop = 1;
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);

  pthread_t f, w;
  CHECK(pthread_create(&f, NULL, forker, NULL) == 0);
  pthread_join(f, NULL);
  void* r;
  CHECK(pthread_create(&w, NULL, reaper, &forked_by_thread) == 0);
  pthread_join(w, &r);
  printf("forked by a thread, reaped by another: status %ld\n", (long)r);
  return 0;
}
