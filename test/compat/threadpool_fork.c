// A pool of 4 worker threads taking jobs from a queue; each job forks a
// child process (from the worker thread) that computes and exits with
// the answer, and the worker waits for its own child by pid.
#include "compat.h"

#include <pthread.h>
#include <sys/wait.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int next_job = 0, jobs = 40;
static long answers[40];
static int bad;

static int collatz_steps(long n) {
  int s = 0;
  while (n != 1) {
    n = n % 2 ? 3 * n + 1 : n / 2;
    s++;
  }
  return s;
}

static void* worker(void* arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&m);
    if (next_job == jobs) {
      pthread_mutex_unlock(&m);
      return NULL;
    }
    int j = next_job++;
    pthread_cond_broadcast(&c);
    pthread_mutex_unlock(&m);
    pid_t k = fork();
    if (k == 0) _exit(collatz_steps(j + 1) % 256);
    int st;
    if (k < 0 || waitpid(k, &st, 0) != k || !WIFEXITED(st)) {
      __atomic_add_fetch(&bad, 1, __ATOMIC_SEQ_CST);
      continue;
    }
    answers[j] = WEXITSTATUS(st);
  }
}

int main(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, worker, NULL) == 0);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  int wrong = 0;
  for (int j = 0; j < jobs; j++)
    if (answers[j] != collatz_steps(j + 1) % 256) wrong++;
  printf("pool: %d jobs by forked children, wrong %d, failed %d\n", jobs, wrong, bad);
  errno = 0;
  printf("no children left: %d\n", wait(NULL) == -1 && errno == ECHILD);
  return 0;
}
