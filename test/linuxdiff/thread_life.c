// The life and death of threads (raw CLONE_THREAD, no futex): many short
// threads; exit_group while others sleep in read, nanosleep or spin;
// execve from a thread while the main thread sleeps in read; a fatal
// signal to a threaded process; SIGSTOP stops every thread and SIGCONT
// resumes them all.
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
               CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
#define N 4
static char stacks[N][32768];
static volatile int ctid[N], ptid[N];
static int pipefd[2];
static volatile long* shared;

static int short_fn(void* arg) {
  (void)arg;
  syscall(SYS_getpid);
  syscall(SYS_sched_yield);
  syscall(SYS_exit, 0);
  return 0;
}
static int reader_fn(void* arg) {
  (void)arg;
  char c;
  syscall(SYS_read, pipefd[0], &c, 1);
  syscall(SYS_exit, 0);
  return 0;
}
static int sleeper_fn(void* arg) {
  (void)arg;
  struct timespec ts = {10, 0};
  syscall(SYS_nanosleep, &ts, NULL);
  syscall(SYS_exit, 0);
  return 0;
}
static int spinner_fn(void* arg) {
  long i = (long)arg;
  for (;;) __atomic_add_fetch(&shared[i], 1, __ATOMIC_RELAXED);
  return 0;
}
static char* self_path;
static int exec_fn(void* arg) {
  (void)arg;
  char* argv[] = {self_path, "execd", NULL};
  syscall(SYS_execve, self_path, argv, NULL);
  syscall(SYS_exit_group, 99);
  return 0;
}

static int spawn(int (*fn)(void*), int i) {
  return clone(fn, stacks[i] + sizeof stacks[i], FLAGS, (void*)(long)i, &ptid[i], NULL,
               &ctid[i]);
}
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}
static void report(const char* what, int st) {
  if (WIFEXITED(st)) printf("%s: exit %d\n", what, WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) printf("%s: signal %d\n", what, WTERMSIG(st));
  else printf("%s: status %#x\n", what, st);
}
static void pause_ms(int ms) {
  struct timespec ts = {0, ms * 1000000L};
  nanosleep(&ts, NULL);
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && !strcmp(argv[1], "execd")) {
    printf("execd: tid is pid %d\n", (int)syscall(SYS_gettid) == getpid());
    exit(6);
  }
  self_path = argv[0];
  shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

  int made = 0;
  for (int round = 0; round < 100; round++) {
    for (int i = 0; i < N; i++) {
      ctid[i] = 1;
      if (spawn(short_fn, i) > 0) made++;
    }
    for (int i = 0; i < N; i++) while (ctid[i]) ;
  }
  printf("short threads made and gone: %d\n", made);

  pipe(pipefd);
  double t0 = now();
  pid_t c = fork();
  if (c == 0) {
    spawn(reader_fn, 0);
    spawn(sleeper_fn, 1);
    spawn(spinner_fn, 2);
    pause_ms(50);
    syscall(SYS_exit_group, 4);
  }
  int st;
  waitpid(c, &st, 0);
  report("exit_group with sleepers", st);
  printf("  took under 5 s: %d\n", now() - t0 < 5);

  c = fork();
  if (c == 0) {
    spawn(sleeper_fn, 1);
    spawn(exec_fn, 0);
    char ch;
    read(pipefd[0], &ch, 1);
    _exit(98);
  }
  waitpid(c, &st, 0);
  report("execve from a thread", st);

  c = fork();
  if (c == 0) {
    spawn(reader_fn, 0);
    spawn(spinner_fn, 2);
    for (;;) pause();
  }
  pause_ms(50);
  kill(c, SIGTERM);
  waitpid(c, &st, 0);
  report("SIGTERM to a threaded process", st);

  c = fork();
  if (c == 0) {
    spawn(spinner_fn, 0);
    spawn(spinner_fn, 1);
    for (;;) __atomic_add_fetch(&shared[2], 1, __ATOMIC_RELAXED);
  }
  while (!shared[0] || !shared[1] || !shared[2]) ;
  kill(c, SIGSTOP);
  waitpid(c, &st, WUNTRACED);
  report("stopped", st);
  pause_ms(20);
  long a[3], b[3];
  for (int i = 0; i < 3; i++) a[i] = shared[i];
  pause_ms(100);
  int still = 1;
  for (int i = 0; i < 3; i++) {
    b[i] = shared[i];
    if (a[i] != b[i]) still = 0;
  }
  printf("  every thread still: %d\n", still);
  kill(c, SIGCONT);
  int moved = 0;
  for (int tries = 0; tries < 500 && moved != 3; tries++) {
    pause_ms(10);
    moved = 0;
    for (int i = 0; i < 3; i++) moved += shared[i] != b[i];
  }
  printf("  every thread runs again: %d\n", moved == 3);
  kill(c, SIGKILL);
  waitpid(c, &st, 0);
  report("SIGKILL", st);
  return 0;
}
