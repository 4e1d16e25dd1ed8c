// The clone system call with raw flags (no threads): CLONE_VM with a
// stack of the caller's, CLONE_FILES, CLONE_FS, CLONE_SIGHAND, CLONE_VFORK,
// CLONE_PARENT_SETTID, CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID, an exit
// signal other than SIGCHLD (waited with __WCLONE / __WALL), and flag
// combinations Linux refuses.
#include "compat.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

// volatile: GCC would otherwise fold the store a clone child makes.
static volatile int shared_word;
static char stack[8][65536] __attribute__((aligned(16)));
static volatile pid_t ptid, ctid;

static int child_store(void* arg) {
  shared_word = (int)(long)arg;
  return 3;
}
static int child_close(void* arg) {
  close((int)(long)arg);
  return 0;
}
static int child_umask(void* arg) {
  (void)arg;
  umask(0077);
  return chdir("/") != 0;
}
static void on_usr1(int s) { (void)s; }
static int child_sigaction(void* arg) {
  (void)arg;
  signal(SIGUSR1, on_usr1);
  return 0;
}
static int child_tid(void* arg) {
  (void)arg;
  return ctid == syscall(SYS_gettid) ? 0 : 1;
}

static pid_t go(int (*fn)(void*), int n, int flags, long arg) {
  return clone(fn, stack[n] + sizeof stack[n], flags, (void*)arg, &ptid, NULL, &ctid);
}

static void reap(const char* what, pid_t p, int opts) {
  int st = 0;
  if (p < 0) {
    printf("%s: clone -1 %s\n", what, strerrorname_np(errno));
    return;
  }
  pid_t r = waitpid(p, &st, opts);
  printf("%s: reaped %d exit %d\n", what, r == p, WEXITSTATUS(st));
}

int main(void) {
  // CLONE_VM: the child's store is the parent's.
  reap("CLONE_VM", go(child_store, 0, CLONE_VM | SIGCHLD, 42), 0);
  printf("  shared_word %d\n", shared_word);
  // Without CLONE_VM the store stays the child's.
  reap("no CLONE_VM", go(child_store, 1, SIGCHLD, 7), 0);
  printf("  shared_word %d\n", shared_word);
  // CLONE_FILES: the child's close closes the parent's descriptor.
  int fd = open("/dev/null", O_RDONLY);
  reap("CLONE_FILES", go(child_close, 2, CLONE_FILES | SIGCHLD, fd), 0);
  printf("  parent's fd open after %d\n", fcntl(fd, F_GETFD) >= 0);
  fd = open("/dev/null", O_RDONLY);
  reap("no CLONE_FILES", go(child_close, 3, SIGCHLD, fd), 0);
  printf("  parent's fd open after %d\n", fcntl(fd, F_GETFD) >= 0);
  // CLONE_FS: umask and cwd are shared.
  mode_t old = umask(022);
  CHECK(chdir("/tmp") == 0);
  reap("CLONE_FS", go(child_umask, 4, CLONE_FS | SIGCHLD, 0), 0);
  char cwd[64];
  printf("  umask %03o cwd %s\n", umask(old), getcwd(cwd, sizeof cwd));
  // CLONE_SIGHAND|CLONE_VM: a handler installed by the child is the parent's.
  reap("CLONE_SIGHAND", go(child_sigaction, 5, CLONE_SIGHAND | CLONE_VM | SIGCHLD, 0), 0);
  struct sigaction sa;
  sigaction(SIGUSR1, NULL, &sa);
  printf("  parent's SIGUSR1 handler is the child's %d\n", sa.sa_handler == on_usr1);
  // CLONE_VFORK|CLONE_VM: the parent resumes after the child exits, so
  // the child's store is there at once.
  shared_word = 0;
  pid_t p = go(child_store, 6, CLONE_VFORK | CLONE_VM | SIGCHLD, 9);
  printf("CLONE_VFORK: store seen on return %d\n", shared_word);
  reap("CLONE_VFORK", p, 0);
  // The tid words.
  ctid = -1;
  p = go(child_tid, 7, CLONE_VM | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD, 0);
  reap("SETTID", p, 0);
  printf("  parent_tid is the pid %d\n", ptid == p);
  ctid = 5;
  p = go(child_store, 7, CLONE_VM | CLONE_CHILD_CLEARTID | SIGCHLD, 1);
  reap("CLEARTID", p, 0);
  printf("  child_tid cleared %d\n", ctid == 0);
  // A child that signals its end with SIGUSR2 instead of SIGCHLD: only
  // __WCLONE or __WALL waits for it.
  signal(SIGUSR2, SIG_IGN);
  p = go(child_store, 0, SIGUSR2, 1);
  say("  waitpid without __WCLONE", waitpid(p, NULL, 0));
  reap("exit signal SIGUSR2 (__WCLONE)", p, __WCLONE);
  p = go(child_store, 0, 0, 1);
  reap("exit signal 0 (__WALL)", p, __WALL);
  // Refused.
  reap("CLONE_SIGHAND without CLONE_VM", go(child_store, 0, CLONE_SIGHAND | SIGCHLD, 0), 0);
  reap("CLONE_THREAD without CLONE_SIGHAND",
       go(child_store, 0, CLONE_THREAD | CLONE_VM | SIGCHLD, 0), 0);
  reap("CLONE_NEWNS with CLONE_FS", go(child_store, 0, CLONE_NEWNS | CLONE_FS | SIGCHLD, 0), 0);
  return 0;
}
