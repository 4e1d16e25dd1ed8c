// /proc/PID/stat's CPU times as Linux's do_task_stat gives them: utime and
// stime (fields 14, 15) count every thread of the process, the living ones
// too, and cutime/cstime (16, 17) what its reaped children used. A thread
// that burns CPU and is still alive must show in its process's line.
// qemu-user fills these fields with 0: NAME.expected holds Linux's lines.
#include "ld.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>

static atomic_int stop;

// utime+stime and cutime+cstime of pid, in clock ticks.
static void stat_times(pid_t pid, long* self, long* kids) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE* f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  if (f) fclose(f);
  buf[n] = '\0';
  // Fields after the comm's closing parenthesis: 3 is the state.
  char* p = strrchr(buf, ')');
  long v[18] = {0};
  int field = 3;
  for (char* tok = p ? strtok(p + 2, " ") : NULL; tok && field <= 17; tok = strtok(NULL, " "))
    v[field++] = strtol(tok, NULL, 10);
  *self = v[14] + v[15];
  *kids = v[16] + v[17];
}

static long cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void* burn(void* arg) {
  (void)arg;
  long start = cpu_ms();
  while (cpu_ms() - start < 400) {
  }
  while (!atomic_load(&stop)) nap_ms(5);
  return NULL;
}

int main(void) {
  long self, kids;
  stat_times(getpid(), &self, &kids);
  printf("fresh: self < 20 ticks %s, kids %ld\n", self < 20 ? "yes" : "no", kids);

  pthread_t t;
  pthread_create(&t, NULL, burn, NULL);
  // Wait for the thread's 400 ms of CPU without using any here.
  struct timespec ts;
  do {
    nap_ms(20);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  } while (ts.tv_sec * 1000 + ts.tv_nsec / 1000000 < 400);
  stat_times(getpid(), &self, &kids);
  printf("thread alive: self >= 30 ticks %s\n", self >= 30 ? "yes" : "no");
  atomic_store(&stop, 1);
  pthread_join(t, NULL);

  pid_t c = fork();
  if (c == 0) {
    long start = cpu_ms();
    while (cpu_ms() - start < 300) {
    }
    _exit(0);
  }
  nap_ms(50);
  long before_self, before_kids;
  stat_times(getpid(), &before_self, &before_kids);
  int st;
  waitpid(c, &st, 0);
  stat_times(getpid(), &self, &kids);
  printf("child reaped: kids before %ld, kids >= 20 ticks %s\n", before_kids,
         kids >= 20 ? "yes" : "no");
  return 0;
}
