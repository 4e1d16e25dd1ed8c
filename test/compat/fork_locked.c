// fork while another thread holds a lock: the child gets the mutex in the
// locked state (nobody there will unlock it: trylock says EBUSY); with
// pthread_atfork handlers that take the lock before fork and release it
// after, in parent and child, the child gets it free. Also glibc's own
// locks (malloc, stdio) are usable in the child while other threads hammer
// them during the fork.
#include "compat.h"

#include <pthread.h>
#include <sys/wait.h>

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t guarded = PTHREAD_MUTEX_INITIALIZER;
static volatile int locked, release, stop;

static void* holder(void* arg) {
  pthread_mutex_t* m = arg;
  pthread_mutex_lock(m);
  locked = 1;
  while (!release) nap_ms(1);
  pthread_mutex_unlock(m);
  return NULL;
}

static void prepare(void) { pthread_mutex_lock(&guarded); }
static void after(void) { pthread_mutex_unlock(&guarded); }

static void* hammer(void* arg) {
  (void)arg;
  while (!stop) {
    void* p = malloc(100);
    char buf[32];
    snprintf(buf, sizeof buf, "%p", p);
    free(p);
  }
  return NULL;
}

int main(void) {
  pthread_t t;
  CHECK(pthread_create(&t, NULL, holder, &held) == 0);
  while (!locked) nap_ms(1);
  pid_t k = fork();
  if (k == 0) _exit(pthread_mutex_trylock(&held) == EBUSY ? 0 : 1);
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  printf("without atfork: the child found the mutex locked %d\n", WEXITSTATUS(st) == 0);
  release = 1;
  pthread_join(t, NULL);

  CHECK(pthread_atfork(prepare, after, after) == 0);
  locked = release = 0;
  CHECK(pthread_create(&t, NULL, holder, &guarded) == 0);
  while (!locked) nap_ms(1);
  // fork waits in prepare until the holder lets go.
  release = 1;
  k = fork();
  if (k == 0) {
    int r = pthread_mutex_trylock(&guarded);
    _exit(r == 0 ? 0 : 1);
  }
  CHECK(waitpid(k, &st, 0) == k);
  printf("with atfork: the child could lock it %d\n", WEXITSTATUS(st) == 0);
  pthread_join(t, NULL);

  pthread_t h[3];
  for (int i = 0; i < 3; i++) CHECK(pthread_create(&h[i], NULL, hammer, NULL) == 0);
  int good = 0;
  for (int i = 0; i < 20; i++) {
    k = fork();
    if (k == 0) {
      char* p = malloc(1000);
      snprintf(p, 1000, "child %d", i);
      FILE* f = fopen("/dev/null", "w");
      fprintf(f, "%s\n", p);
      fclose(f);
      free(p);
      _exit(0);
    }
    if (waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0) good++;
  }
  stop = 1;
  for (int i = 0; i < 3; i++) pthread_join(h[i], NULL);
  printf("children using malloc and stdio after a fork amid threads: %d of 20\n", good);
  return 0;
}
