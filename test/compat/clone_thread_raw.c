// Threads by the raw clone system call, as glibc makes them but without
// glibc's pthread: CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|
// CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|
// CLONE_CHILD_CLEARTID. The new thread shares the pid, has its own tid
// (written to parent_tid), runs on its own stack, and at its exit the
// kernel clears child_tid and wakes the futex there, which is how the
// creator joins it. It is not a child: wait says ECHILD.
#include "compat.h"

#include <linux/futex.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define FLAGS                                                                              \
  (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |      \
   CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static volatile pid_t ptid, ctid, seen_pid, seen_tid;
static volatile int result;
static char stacks[4][65536] __attribute__((aligned(16)));

// Runs on the new thread with the creator's TLS pointer (no CLONE_SETTLS):
// it touches no errno and calls no glibc function that needs its own TLS.
static int body(void* arg) {
  seen_pid = (pid_t)syscall(SYS_getpid);
  seen_tid = (pid_t)syscall(SYS_gettid);
  result = (int)(long)arg * 2;
  return 0;  // glibc's clone then calls the exit system call: this thread only
}

static void join(volatile pid_t* tid) {
  pid_t t;
  while ((t = *tid) != 0) syscall(SYS_futex, tid, FUTEX_WAIT, t, NULL, NULL, 0);
}

int main(void) {
  ctid = -1;
  pid_t t = clone(body, stacks[0] + sizeof stacks[0], FLAGS, (void*)21, &ptid, NULL, &ctid);
  if (t < 0) {
    printf("clone -1 %s\n", strerrorname_np(errno));
    return 1;
  }
  join(&ctid);
  printf("thread ran: result %d, same pid %d, own tid %d, parent_tid is it %d\n", result,
         seen_pid == getpid(), seen_tid != getpid() && seen_tid == t, ptid == t);
  say("waitpid for a thread", waitpid(t, NULL, __WALL | WNOHANG));
  // Four at once.
  volatile pid_t tids[4];
  for (long i = 0; i < 4; i++) {
    tids[i] = -1;
    CHECK(clone(body, stacks[i] + sizeof stacks[i], FLAGS & ~CLONE_PARENT_SETTID, (void*)i, NULL,
                NULL, &tids[i]) > 0);
  }
  for (int i = 0; i < 4; i++) join(&tids[i]);
  printf("four joined by their clear-tid words\n");
  // Refused: CLONE_THREAD without CLONE_SIGHAND; CLONE_SIGHAND without
  // CLONE_VM.
  say("CLONE_THREAD|CLONE_VM alone",
      clone(body, stacks[0] + sizeof stacks[0], CLONE_THREAD | CLONE_VM, NULL));
  return 0;
}
