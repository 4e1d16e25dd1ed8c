// rt_tgsigqueueinfo (Linux's do_rt_tgsigqueueinfo in kernel/signal.c) and
// the two pending lists it and rt_sigqueueinfo feed: a signal queued to
// the thread (rt_tgsigqueueinfo, tgkill) is on the thread's own list, one
// queued to the process (rt_sigqueueinfo, kill) on the shared list, and
// dequeue_signal takes the thread's list first. Errors: EFAULT for the
// info, EINVAL for a tgid or tid not above 0 and for a bad signal, EPERM
// for claiming kill's si_code to another process, ESRCH for a tid that is
// not in tgid or no longer exists.
#include "ld.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static long tgsq(pid_t tgid, pid_t tid, int sig, siginfo_t* info) {
  return syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, info);
}

static long sq(pid_t pid, int sig, siginfo_t* info) {
  return syscall(SYS_rt_sigqueueinfo, pid, sig, info);
}

static siginfo_t queued(int code, int value) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_code = code;
  si.si_value.sival_int = value;
  return si;
}

// Takes every pending sig and prints its si_code and value, in order
// (only the si_code for SI_USER, whose union holds a pid and uid: qemu-user
// converts only those).
static void drain(const char* what, int sig) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  struct timespec zero = {0, 0};
  siginfo_t si;
  printf("%s:", what);
  while (sigtimedwait(&set, &si, &zero) == sig) {
    if (si.si_code == SI_USER)
      printf(" (%d)", si.si_code);
    else
      printf(" (%d %d)", si.si_code, si.si_value.sival_int);
  }
  printf("\n");
}

int main(void) {
  const int rt = SIGRTMIN + 1;
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, rt);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, NULL);
  const pid_t me = getpid();

  // Queued to the process, then to the thread: the thread's come first.
  for (int i = 0; i < 3; i++) {
    siginfo_t a = queued(SI_QUEUE, 10 + i), b = queued(SI_QUEUE, 20 + i);
    if (sq(me, rt, &a) != 0 || tgsq(me, me, rt, &b) != 0) printf("queue %d failed\n", i);
  }
  drain("three to the process, three to the thread", rt);

  // A thread-directed standard signal carries the sender's si_code.
  siginfo_t s = queued(-7, 5);
  say("rt_tgsigqueueinfo SIGUSR1 to itself, si_code -7", tgsq(me, me, SIGUSR1, &s));
  drain("SIGUSR1", SIGUSR1);
  siginfo_t k = queued(SI_USER, 1);
  say("rt_tgsigqueueinfo to itself with SI_USER", tgsq(me, me, rt, &k));
  drain("after SI_USER to itself", rt);

  siginfo_t ok = queued(SI_QUEUE, 1);
  say("tgid 0", tgsq(0, me, rt, &ok));
  say("tid 0", tgsq(me, 0, rt, &ok));
  say("tid -1", tgsq(-1, -1, rt, &ok));
  say("info at address 8", tgsq(me, me, rt, (siginfo_t*)8));
  say("signal 65", tgsq(me, me, 65, &ok));
  say("signal 0 (a probe)", tgsq(me, me, 0, &ok));

  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    pause();
    _exit(0);
  }
  say("tgid of the caller, tid of the child", tgsq(me, c, rt, &ok));
  say("SI_USER to the child", tgsq(c, c, rt, &k));
  say("SI_TKILL to the child", tgsq(c, c, rt, &(siginfo_t){.si_code = SI_TKILL}));
  say("SIGKILL to the child with SI_QUEUE", tgsq(c, c, SIGKILL, &ok));
  int st;
  waitpid(c, &st, 0);
  printf("child killed by SIGKILL = %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  say("to the reaped child", tgsq(c, c, rt, &ok));
  say("signal 65 to the reaped child", tgsq(c, c, 65, &ok));
  return 0;
}
