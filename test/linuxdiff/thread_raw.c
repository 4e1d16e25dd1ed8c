// Threads by raw clone(CLONE_THREAD), no futex and no pthread: distinct
// tids (PARENT_SETTID = gettid), tgkill to one thread runs its handler
// there, CHILD_CLEARTID zeroes the word at exit, ESRCH for a wrong tgid
// or a gone thread, exit_group from the main thread ends the others, and
// a process whose main thread exits lives on in its other thread.
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define FLAGS (CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID)
static volatile int counter;
static volatile int ctid[4], ptid[4];
static volatile int seen_tid[4];
static volatile int go;
static char stacks[4][65536];

static int fn(void* arg) {
  long i = (long)arg;
  seen_tid[i] = syscall(SYS_gettid);
  for (int k = 0; k < 1000; k++) __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
  while (!go) ;
  syscall(SYS_exit, 0);
  return 0;
}

static volatile int usr1_tid;
static void h(int s) { (void)s; usr1_tid = syscall(SYS_gettid); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGUSR1, h);
  for (long i = 0; i < 4; i++) {
    int r = clone(fn, stacks[i] + 65536, FLAGS, (void*)i, &ptid[i], NULL, &ctid[i]);
    if (r < 0) { perror("clone"); return 1; }
    ctid[i] = r;  // may race with the clear; only matters it ends 0
  }
  while (counter < 4000) ;
  int distinct = 1;
  for (int i = 0; i < 4; i++) {
    if (seen_tid[i] == getpid() || seen_tid[i] != ptid[i]) distinct = 0;
  }
  printf("counter %d tids distinct %d\n", counter, distinct);
  /* tgkill to thread 2: its handler runs there */
  syscall(SYS_tgkill, getpid(), ptid[2], SIGUSR1);
  while (!usr1_tid) ;
  printf("handler ran in thread 2: %d\n", usr1_tid == ptid[2]);
  printf("tgkill wrong tgid: %ld\n", syscall(SYS_tgkill, getpid() + 1000, ptid[1], 0));
  go = 1;
  for (int i = 0; i < 4; i++) while (ctid[i]) ;
  printf("all cleared\n");
  printf("tgkill gone: %ld\n", syscall(SYS_tgkill, getpid(), ptid[1], 0));
  /* exit_group from a thread while others spin */
  pid_t c = fork();
  if (c == 0) {
    go = 0;
    for (long i = 0; i < 3; i++) clone(fn, stacks[i] + 65536, FLAGS, (void*)i, &ptid[i], NULL, &ctid[i]);
    exit(7);
  }
  int st; waitpid(c, &st, 0);
  printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
  /* main thread exits with pthread-style exit while a thread lives: the thread exits the process with 5 */
  c = fork();
  if (c == 0) {
    go = 0;
    clone(fn, stacks[0] + 65536, FLAGS, (void*)0, &ptid[0], NULL, &ctid[0]);
    syscall(SYS_exit, 9);  /* main thread gone */
  }
  usleep(100000);
  /* the child process has one thread left spinning on go (its copy): kill it */
  kill(c, SIGTERM);
  waitpid(c, &st, 0);
  printf("child2 %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
  return 0;
}
