// /proc/<pid>/task and /proc/thread-self, as Linux's (fs/proc/base.c):
// task/ lists exactly the process's live threads by tid, each
// task/<tid>/{stat,status,comm} shows that thread (its tid first in stat,
// Pid: its tid and Tgid: the pid in status, its own state and CPU time),
// and /proc/thread-self is "<pid>/task/<tid>" of the reader. qemu-user
// shows the host's /proc (qemu's own threads are in task/): NAME.expected
// holds native Linux's lines.
#include "ld.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>

enum { kThreads = 4 };
static pid_t tids[kThreads + 1];  // [0]: the main thread
static atomic_int started, self_ok, stop;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

// The text of a file, NUL-terminated; "" when it cannot be read.
static const char* slurp(const char* path, char* buf, size_t n) {
  FILE* f = fopen(path, "r");
  size_t got = f ? fread(buf, 1, n - 1, f) : 0;
  if (f) fclose(f);
  buf[got] = '\0';
  return buf;
}

// Fields of task/<tid>/stat: the first (its id), the state letter and
// utime+stime in ticks. false if it cannot be read.
static int task_stat(pid_t tid, long* id, char* state, long* ticks) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
  slurp(path, buf, sizeof buf);
  char* rp = strrchr(buf, ')');
  if (!rp || sscanf(buf, "%ld", id) != 1) return 0;
  *state = rp[2];
  long v[18] = {0};
  int field = 3;
  for (char* tok = strtok(rp + 2, " "); tok && field <= 17; tok = strtok(NULL, " "))
    v[field++] = strtol(tok, NULL, 10);
  *ticks = v[14] + v[15];
  return 1;
}

// status's value for `key` ("Pid:"), or -1.
static long status_value(pid_t tid, const char* key) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/self/task/%d/status", tid);
  slurp(path, buf, sizeof buf);
  for (char* line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
    if (strncmp(line, key, strlen(key)) == 0) return strtol(line + strlen(key), NULL, 10);
  return -1;
}

// The reader's /proc/thread-self names its own task directory, whose stat
// starts with its tid.
static int thread_self_ok(void) {
  char want[64], got[64] = "", buf[1024];
  snprintf(want, sizeof want, "%d/task/%d", getpid(), gettid_());
  ssize_t n = readlink("/proc/thread-self", got, sizeof got - 1);
  if (n > 0) got[n] = '\0';
  slurp("/proc/thread-self/stat", buf, sizeof buf);
  return strcmp(got, want) == 0 && strtol(buf, NULL, 10) == gettid_();
}

static long thread_cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void* thread_main(void* arg) {
  long i = (long)arg;
  tids[i] = gettid_();
  if (thread_self_ok()) self_ok++;
  if (i == 1) {
    // The busy one: about 300 ms of its own CPU time.
    for (long end = now_ms() + 3000; thread_cpu_ms() < 300 && now_ms() < end;) {
    }
  }
  pthread_mutex_lock(&mu);
  started++;
  while (!stop) pthread_cond_wait(&cv, &mu);
  pthread_mutex_unlock(&mu);
  return NULL;
}

static int cmp_pid(const void* a, const void* b) { return *(const pid_t*)a - *(const pid_t*)b; }

// task/'s tids, sorted, into out: how many.
static int list_task(pid_t* out, int max) {
  int n = 0;
  DIR* d = opendir("/proc/self/task");
  for (struct dirent* e; d && (e = readdir(d));)
    if (e->d_name[0] != '.' && n < max) out[n++] = atoi(e->d_name);
  if (d) closedir(d);
  qsort(out, n, sizeof *out, cmp_pid);
  return n;
}

int main(void) {
  tids[0] = gettid_();
  if (thread_self_ok()) self_ok++;
  pthread_t t[kThreads];
  for (long i = 1; i <= kThreads; i++) pthread_create(&t[i - 1], NULL, thread_main, (void*)i);
  while (started < kThreads) nap_ms(10);
  nap_ms(100);  // all asleep in the condition variable

  pid_t want[kThreads + 1], got[64];
  memcpy(want, tids, sizeof want);
  qsort(want, kThreads + 1, sizeof *want, cmp_pid);
  int n = list_task(got, 64);
  printf("task/ lists %d tids, exactly the 5 threads': %s\n", n,
         n == kThreads + 1 && memcmp(got, want, sizeof want) == 0 ? "yes" : "no");
  printf("thread-self names each thread's task/<tid>: %d of 5\n", (int)self_ok);

  int first = 0, sleeping = 0, pid_ok = 0, tgid_ok = 0, comm_ok = 0;
  long ticks[kThreads + 1] = {0};
  char state0 = '?', buf[64], path[64], comm[64];
  slurp("/proc/self/comm", comm, sizeof comm);
  for (int i = 0; i <= kThreads; i++) {
    long id;
    char state;
    if (!task_stat(tids[i], &id, &state, &ticks[i])) continue;
    if (id == tids[i]) first++;
    if (i == 0) state0 = state;
    else if (state == 'S') sleeping++;
    if (status_value(tids[i], "Pid:") == tids[i]) pid_ok++;
    if (status_value(tids[i], "Tgid:") == getpid()) tgid_ok++;
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", tids[i]);
    if (strcmp(slurp(path, buf, sizeof buf), comm) == 0 && comm[0]) comm_ok++;
  }
  printf("stat starts with the thread's tid: %d of 5\n", first);
  printf("the reading thread runs (R): %c\n", state0);
  printf("the waiting threads sleep (S): %d of 4\n", sleeping);
  printf("status Pid: is the tid: %d of 5, Tgid: the pid: %d of 5\n", pid_ok, tgid_ok);
  printf("comm as the process's: %d of 5\n", comm_ok);
  printf("the busy thread's own time >= 20 ticks: %s, a sleeper's < 10: %s\n",
         ticks[1] >= 20 ? "yes" : "no", ticks[2] < 10 ? "yes" : "no");
  printf("Threads: in status: %ld\n", status_value(tids[0], "Threads:"));

  // A joined thread leaves task/ (Linux may show it for a moment after
  // the join: it is released after it wakes the joiner).
  pthread_mutex_lock(&mu);
  stop = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  for (int i = 0; i < kThreads; i++) pthread_join(t[i], NULL);
  long end = now_ms() + 2000;
  while ((n = list_task(got, 64)) != 1 && now_ms() < end) nap_ms(10);
  printf("after the joins task/ lists the main thread only: %s\n",
         n == 1 && got[0] == tids[0] ? "yes" : "no");
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", tids[3]);
  FILE* f = fopen(path, "r");
  printf("a gone thread's stat: %s\n", f ? "opens" : strerrorname_np(errno));
  if (f) fclose(f);
  return 0;
}
