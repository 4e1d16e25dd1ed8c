// A process's threads end on other harts just as the process ends, 300
// times: the address space goes with the last LWP while the others are
// still switching away. Each child starts 3 threads, then (by turns) its
// main thread calls _exit while they spin (exit_group ends them), or
// _exit after they returned at once, or pthread_exit while they run on a
// little (the last thread out ends the process). Its status says it ended
// as asked. On Tine a sibling's hart once still had the space's page
// tables loaded when the last LWP freed them (a panic at 4 harts).
#include "compat.h"

#include <pthread.h>
#include <sys/wait.h>

#define CHILDREN 300

static void* spin(void* arg) {
  (void)arg;
  for (;;) __asm__ volatile("" ::: "memory");
  return NULL;
}

static void* run_a_little(void* arg) {
  for (volatile long k = 0; k < (long)arg; k++) {
  }
  return NULL;
}

int main(void) {
  int as_asked[3] = {0, 0, 0};
  for (int i = 0; i < CHILDREN; i++) {
    const int how = i % 3;
    const pid_t c = fork();
    CHECK(c >= 0);
    if (c == 0) {
      pthread_t t;
      for (int k = 0; k < 3; k++)
        CHECK(pthread_create(&t, NULL, how == 0 ? spin : run_a_little,
                             (void*)(long)(how == 1 ? 0 : 20000)) == 0);
      if (how == 2) pthread_exit(NULL);  // status 0 when the last one ends
      _exit(3);
    }
    int st;
    CHECK(waitpid(c, &st, 0) == c);
    if (WIFEXITED(st) && WEXITSTATUS(st) == (how == 2 ? 0 : 3)) as_asked[how]++;
  }
  printf("_exit with threads spinning: %d ended as asked\n", as_asked[0]);
  printf("_exit after they returned: %d ended as asked\n", as_asked[1]);
  printf("pthread_exit, the last thread ends it: %d ended as asked\n", as_asked[2]);
  return 0;
}
