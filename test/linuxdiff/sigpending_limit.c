// RLIMIT_SIGPENDING (Linux's __sigqueue_alloc and send_signal_locked in
// kernel/signal.c): queued signals count per user against the receiver's
// limit. Past it a real-time signal sent with any si_code but SI_USER
// (sigqueue, rt_tgsigqueueinfo, tkill, tgkill) fails with EAGAIN; kill's
// real-time signal and a standard signal from sigqueue stay pending
// without their details (SI_USER, no sender); a standard signal from kill
// passes the limit. Entries taken give their place back; a forked child of
// the same user shares the count. Below the limit a queue is as deep as
// the limit (sigqueue/9-1 of open_posix_testsuite queues _SC_SIGQUEUE_MAX).
#include "ld.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static void set_limit(rlim_t n) {
  struct rlimit r = {n, n};
  say("setrlimit", setrlimit(RLIMIT_SIGPENDING, &r));
}

static long queue(pid_t pid, int sig, int value) {
  union sigval v;
  v.sival_int = value;
  return sigqueue(pid, sig, v);
}

// Takes every pending sig: its si_code, value, and whether a sender is named.
static void drain(const char* what, int sig) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  struct timespec zero = {0, 0};
  siginfo_t si;
  printf("%s:", what);
  while (sigtimedwait(&set, &si, &zero) == sig) {
    if (si.si_code == SI_QUEUE)
      printf(" (queue %d)", si.si_value.sival_int);
    else
      printf(" (%d sender %d)", si.si_code, si.si_pid == getpid());
  }
  printf("\n");
}

static void drain_all(void) {
  drain("rtmin", SIGRTMIN);
  drain("rtmin+1", SIGRTMIN + 1);
  drain("usr1", SIGUSR1);
  drain("usr2", SIGUSR2);
}

int main(void) {
  // A user of its own: the count is per user, and root's daemons may have
  // signals queued.
  if (getuid() == 0) say("setresuid", setresuid(4321, 4321, 4321));
  struct rlimit r;
  say("getrlimit", getrlimit(RLIMIT_SIGPENDING, &r));
  printf("default soft = hard: %d, at least 1000: %d\n", r.rlim_cur == r.rlim_max,
         r.rlim_cur >= 1000);

  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGRTMIN);
  sigaddset(&block, SIGRTMIN + 1);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGUSR2);
  sigprocmask(SIG_BLOCK, &block, NULL);

  // A deep queue: Linux bounds it by the limit alone (open_posix's
  // sigqueue/9-1 queues _SC_SIGQUEUE_MAX signals to itself).
  int queued = 0;
  while (queued < 600 && queue(getpid(), SIGRTMIN, queued) == 0) queued++;
  printf("default limit: %d of 600 queued\n", queued);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, SIGRTMIN);
  struct timespec zero = {0, 0};
  siginfo_t si;
  int in_order = 0;
  while (sigtimedwait(&one, &si, &zero) == SIGRTMIN && si.si_value.sival_int == in_order)
    in_order++;
  printf("taken in order: %d\n", in_order);
  drain_all();

  set_limit(3);
  struct rlimit got;
  say("prlimit", prlimit(0, RLIMIT_SIGPENDING, NULL, &got));
  printf("limit %lu %lu\n", (unsigned long)got.rlim_cur, (unsigned long)got.rlim_max);

  const pid_t me = getpid();
  const pid_t tid = (pid_t)syscall(SYS_gettid);
  for (int i = 1; i <= 4; i++) say("sigqueue rtmin", queue(me, SIGRTMIN, i));
  say("tgkill rtmin+1", syscall(SYS_tgkill, me, tid, SIGRTMIN + 1));
  say("tkill rtmin+1", syscall(SYS_tkill, tid, SIGRTMIN + 1));
  memset(&si, 0, sizeof si);
  si.si_code = SI_QUEUE;
  si.si_value.sival_int = 7;
  si.si_pid = me;
  si.si_uid = getuid();
  say("rt_tgsigqueueinfo", syscall(SYS_rt_tgsigqueueinfo, me, tid, SIGRTMIN + 1, &si));
  say("rt_sigqueueinfo", syscall(SYS_rt_sigqueueinfo, me, SIGRTMIN + 1, &si));
  // Pending, with nothing queued: no details.
  say("kill rtmin+1", kill(me, SIGRTMIN + 1));
  say("sigqueue usr1", queue(me, SIGUSR1, 5));
  // kill's standard signal is queued past the limit, sender and all.
  say("kill usr2", kill(me, SIGUSR2));
  // The kill above counts too: nothing more fits.
  say("sigqueue rtmin", queue(me, SIGRTMIN, 9));
  drain_all();

  // The places came back.
  for (int i = 1; i <= 4; i++) say("again sigqueue rtmin", queue(me, SIGRTMIN, 10 + i));
  drain_all();

  // One user, one count: the parent's two queued signals leave the child
  // (same uid, same limit) one place.
  say("parent sigqueue", queue(me, SIGRTMIN, 21));
  say("parent sigqueue", queue(me, SIGRTMIN, 22));
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    say("child sigqueue", queue(getpid(), SIGRTMIN, 31));
    say("child sigqueue", queue(getpid(), SIGRTMIN, 32));
    say("child tgkill", syscall(SYS_tgkill, getpid(), getpid(), SIGRTMIN + 1));
    drain("child rtmin", SIGRTMIN);
    say("child sigqueue after", queue(getpid(), SIGRTMIN, 33));
    drain("child rtmin", SIGRTMIN);
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  drain("rtmin", SIGRTMIN);

  // Limit 0 (LTP's tgkill02): nothing real-time is queued at all.
  set_limit(0);
  say("limit 0 sigqueue", queue(me, SIGRTMIN, 41));
  say("limit 0 tgkill", syscall(SYS_tgkill, me, tid, SIGRTMIN));
  say("limit 0 kill usr2", kill(me, SIGUSR2));
  drain_all();
  return 0;
}
