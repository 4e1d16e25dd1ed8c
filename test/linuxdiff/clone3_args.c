// clone3: struct clone_args checked as Linux 6.12 checks it (each bad
// case's errno), then a fork, a CLEAR_SIGHAND child and a child with no
// exit signal made through it.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct args {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
      set_tid_size, cgroup;
};

static long clone3(void* a, size_t size) { return syscall(435, a, size); }

static void expect(const char* what, struct args* a, size_t size) {
  errno = 0;
  long r = clone3(a, size);
  if (r == 0) _exit(99);  /* a child where none should be */
  printf("%-28s %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
}

static void h(int s) { (void)s; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct args a;
  unsigned char big[4200];
  memset(&a, 0, sizeof a);
  expect("size 0", &a, 0);
  expect("size 63", &a, 63);
  expect("size > page", &a, 4097);
  memset(big, 0, sizeof big);
  ((struct args*)big)->exit_signal = 0;
  big[100] = 1;
  ((struct args*)big)->flags = CLONE_THREAD;  /* would be EINVAL, but E2BIG first */
  expect("nonzero past the struct", (struct args*)big, 200);
  expect("bad pointer", (struct args*)8, 64);
  memset(&a, 0, sizeof a); a.set_tid_size = 33;
  expect("set_tid_size 33", &a, sizeof a);
  memset(&a, 0, sizeof a); a.set_tid_size = 1;
  expect("set_tid_size without set_tid", &a, sizeof a);
  memset(&a, 0, sizeof a); a.exit_signal = 65;
  expect("exit_signal 65", &a, sizeof a);
  memset(&a, 0, sizeof a); a.exit_signal = 0x100 | SIGCHLD;
  expect("exit_signal past CSIGNAL", &a, sizeof a);
  memset(&a, 0, sizeof a); a.flags = 1ull << 40;
  expect("flag bit 40", &a, sizeof a);
  memset(&a, 0, sizeof a); a.flags = SIGCHLD;
  expect("CSIGNAL bits in flags", &a, sizeof a);
  memset(&a, 0, sizeof a); a.flags = 0x00400000;  /* CLONE_DETACHED */
  expect("CLONE_DETACHED", &a, sizeof a);
  memset(&a, 0, sizeof a); a.flags = CLONE_SIGHAND | CLONE_VM | 0x100000000ull;
  expect("SIGHAND with CLEAR_SIGHAND", &a, sizeof a);
  memset(&a, 0, sizeof a);
  a.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_FS | CLONE_FILES;
  a.exit_signal = SIGCHLD;
  expect("THREAD with exit_signal", &a, sizeof a);
  memset(&a, 0, sizeof a); a.stack = 0x10000;
  expect("stack without size", &a, sizeof a);
  memset(&a, 0, sizeof a); a.stack_size = 0x10000;
  expect("size without stack", &a, sizeof a);
  memset(&a, 0, sizeof a); a.flags = CLONE_THREAD;
  expect("THREAD without SIGHAND", &a, sizeof a);
  memset(&a, 0, sizeof a); a.flags = CLONE_SIGHAND;
  expect("SIGHAND without VM", &a, sizeof a);

  /* A plain fork through clone3, with the short (version 0) struct. */
  memset(&a, 0, sizeof a); a.exit_signal = SIGCHLD;
  long r = clone3(&a, 64);
  if (r == 0) _exit(12);
  int st;
  int waited = waitpid((pid_t)r, &st, 0) == r;
  printf("fork: wait %d status %d\n", waited, WEXITSTATUS(st));

  /* CLEAR_SIGHAND: a caught SIGUSR1 is default (kills) in the child,
     an ignored SIGUSR2 stays ignored. */
  signal(SIGUSR1, h);
  signal(SIGUSR2, SIG_IGN);
  memset(&a, 0, sizeof a); a.flags = 0x100000000ull; a.exit_signal = SIGCHLD;
  r = clone3(&a, sizeof a);
  if (r == 0) { raise(SIGUSR2); raise(SIGUSR1); _exit(0); }
  waitpid((pid_t)r, &st, 0);
  printf("clear_sighand child: %s %d\n", WIFSIGNALED(st) ? "killed by" : "exit",
         WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));

  /* A parent_tid and a child with no exit signal (a __WCLONE child). */
  int ptid = 0;
  memset(&a, 0, sizeof a);
  a.flags = CLONE_PARENT_SETTID;
  a.parent_tid = (uintptr_t)&ptid;
  r = clone3(&a, sizeof a);
  if (r == 0) _exit(5);
  int plain = waitpid((pid_t)r, &st, 0);
  waited = waitpid((pid_t)r, &st, __WCLONE) == r;
  printf("no exit signal: ptid matches %d, plain wait %d, __WCLONE wait %d status %d\n",
         ptid == r, plain, waited, WEXITSTATUS(st));
  return 0;
}
