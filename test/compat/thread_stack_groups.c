// Threads and the memory and identity calls: each thread fills a deep
// part of its stack, gives it back with madvise(MADV_DONTNEED) once it has
// returned from there (as glibc does to an exiting thread's stack) and
// reads zeros in it; setgroups in the main thread is what every thread and
// a child forked from a thread see; exec from that child keeps the groups.
#include "compat.h"

#include <grp.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define NTHREADS 4
#define DEEP (256 * 1024)

struct result {
  long deep_sum, after_sum, madvise_r, ngroups, child_groups;
};
static struct result results[NTHREADS];

// Fills DEEP bytes of this frame; returns their page-aligned inner range.
__attribute__((noinline)) static void deep(int id, uintptr_t* lo, uintptr_t* hi, long* sum) {
  volatile unsigned char buf[DEEP];
  for (size_t i = 0; i < DEEP; i++) buf[i] = (unsigned char)(id + 1);
  long s = 0;
  for (size_t i = 0; i < DEEP; i += 4096) s += buf[i];
  *sum = s;
  *lo = ((uintptr_t)buf + 4095) & ~(uintptr_t)4095;
  *hi = ((uintptr_t)buf + DEEP) & ~(uintptr_t)4095;
}

static long groups_sum(void) {
  gid_t g[8];
  int n = getgroups(8, g);
  long s = n * 1000;
  for (int i = 0; i < n; i++) s += g[i];
  return s;
}

static void* worker(void* arg) {
  int id = (int)(intptr_t)arg;
  struct result* r = &results[id];
  uintptr_t lo, hi;
  deep(id, &lo, &hi, &r->deep_sum);
  // Well below this frame now: nothing of ours lives there.
  r->madvise_r = madvise((void*)lo, hi - lo - 8192, MADV_DONTNEED);
  long s = 0;
  for (uintptr_t a = lo; a < hi - 8192; a += 4096) s += *(volatile unsigned char*)a;
  r->after_sum = s;
  r->ngroups = groups_sum();
  if (id == NTHREADS - 1) {
    pid_t pid = fork();
    if (pid == 0) _exit((int)groups_sum() & 0xff);
    int st;
    waitpid(pid, &st, 0);
    r->child_groups = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc > 1) {
    printf("after exec: groups %ld\n", groups_sum());
    return 0;
  }
  gid_t g[] = {7, 3};
  say("setgroups", setgroups(2, g));
  pthread_t t[NTHREADS];
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1024 * 1024);
  for (int i = 0; i < NTHREADS; i++) pthread_create(&t[i], &attr, worker, (void*)(intptr_t)i);
  for (int i = 0; i < NTHREADS; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < NTHREADS; i++)
    printf("thread %d: deep sum %ld, madvise %ld, after %ld, groups %ld\n", i,
           results[i].deep_sum, results[i].madvise_r, results[i].after_sum, results[i].ngroups);
  printf("child forked from a thread: groups %% 256 = %ld\n", results[NTHREADS - 1].child_groups);
  // More threads than before, on stacks glibc cached (and advised) at exit.
  for (int i = 0; i < NTHREADS; i++) pthread_create(&t[i], &attr, worker, (void*)(intptr_t)i);
  for (int i = 0; i < NTHREADS; i++) pthread_join(t[i], NULL);
  long bad = 0;
  for (int i = 0; i < NTHREADS; i++) bad += results[i].after_sum != 0 || results[i].madvise_r != 0;
  printf("second round: threads with nonzero stack after madvise %ld\n", bad);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    execl("/proc/self/exe", argv[0], "exec", (char*)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
