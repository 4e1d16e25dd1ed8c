// Handlers that return (through the vDSO trampoline on riscv64): the
// interrupted code goes on with its registers (integer and FP) intact; a
// blocked pipe read restarts under SA_RESTART and fails with EINTR
// without it; sigsuspend, sigtimedwait, sigqueue's order of real-time
// signals; sigaltstack with SA_ONSTACK, also for a stack overflow.
#include "ld.h"

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

static volatile int hits, last_sig;
static volatile double fp_junk;

static void on_sig(int sig) {
  hits++;
  last_sig = sig;
  // Clobber FP registers and fcsr's rounding mode inside the handler.
  volatile double a = 1.0;
  for (int i = 0; i < 20; i++) a = a * 3.1 + 0.7;
  fp_junk = a;
}

static void handle(int sig, int flags) {
  struct sigaction sa = {0};
  sa.sa_handler = on_sig;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

// A child that sends `sig` to its parent after `ms`, then writes a byte
// to `fd` after as long again (-1: no write).
static pid_t poke_later(int sig, int ms, int fd) {
  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    struct timespec t = {0, ms * 1000000L};
    nanosleep(&t, NULL);
    kill(parent, sig);
    if (fd >= 0) {
      nanosleep(&t, NULL);
      if (write(fd, "x", 1) != 1) _exit(1);
    }
    _exit(0);
  }
  return c;
}

static void reap(pid_t c) {
  int st;
  waitpid(c, &st, 0);
}

static double fp_work(double x) {
  // Live FP values across a raise: the compiler keeps them in registers.
  register double a = x * 1.5, b = x + 2.25, c = x - 0.125, d = x * x;
  raise(SIGUSR1);
  return a + b * 2 + c * 4 + d * 8;
}

static char altstack[64 * 1024];
static volatile uintptr_t handler_sp;
static sigjmp_buf env;

static void on_alt(int sig) {
  char here;
  handler_sp = (uintptr_t)&here;
  last_sig = sig;
}

static void on_overflow(int sig) {
  char here;
  handler_sp = (uintptr_t)&here;
  last_sig = sig;
  siglongjmp(env, 1);
}

static volatile int depth_limit = 1 << 30;
static int recurse(int n) {
  volatile char pad[1024];
  pad[0] = (char)n;
  if (n > depth_limit) return 0;
  return recurse(n + 1) + pad[0];
}

static int on_altstack(void) {
  return handler_sp >= (uintptr_t)altstack && handler_sp < (uintptr_t)altstack + sizeof altstack;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);

  // A handler returns; the program goes on.
  handle(SIGUSR1, 0);
  raise(SIGUSR1);
  printf("returned: hits %d sig %d\n", hits, last_sig);

  // FP registers live across the handler.
  double r = fp_work(3.0);
  printf("fp across handler: %.6f\n", r);

  // SA_RESTART: a read blocked in a pipe survives the signal.
  int p[2];
  if (pipe(p)) return 1;
  handle(SIGUSR2, SA_RESTART);
  hits = 0;
  pid_t c = poke_later(SIGUSR2, 100, p[1]);
  char ch = 0;
  ssize_t n = read(p[0], &ch, 1);
  printf("SA_RESTART read: n %zd ch %c hits %d\n", n, n == 1 ? ch : '-', hits);
  reap(c);

  // Without SA_RESTART: EINTR.
  handle(SIGUSR2, 0);
  hits = 0;
  c = poke_later(SIGUSR2, 100, p[1]);
  n = read(p[0], &ch, 1);
  say("plain read", n);
  printf("hits %d\n", hits);
  n = read(p[0], &ch, 1);  // the child's byte
  say("read again", n);
  reap(c);

  // nanosleep interrupted by a handler: EINTR with time left.
  hits = 0;
  c = poke_later(SIGUSR2, 100, -1);
  struct timespec req = {5, 0}, rem = {0, 0};
  say("nanosleep", nanosleep(&req, &rem));
  printf("remaining in (0,5s): %d\n", rem.tv_sec < 5 && (rem.tv_sec > 0 || rem.tv_nsec > 0));
  reap(c);

  // sigsuspend: waits with the given mask, EINTR after the handler, old
  // mask back.
  sigset_t usr2, old, none;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &usr2, &old);
  hits = 0;
  c = poke_later(SIGUSR2, 50, -1);
  say("sigsuspend", sigsuspend(&none));
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  printf("sigsuspend: hits %d usr2 blocked again %d\n", hits, sigismember(&now, SIGUSR2));
  reap(c);

  // sigtimedwait: takes a blocked signal with its info, EAGAIN at the
  // timeout.
  c = poke_later(SIGUSR2, 50, -1);
  siginfo_t si;
  struct timespec two = {2, 0};
  int got = sigtimedwait(&usr2, &si, &two);
  printf("sigtimedwait: %d code %d from child %d\n", got, si.si_code, si.si_pid == c);
  reap(c);
  struct timespec short_ = {0, 20 * 1000000L};
  say("sigtimedwait timeout", sigtimedwait(&usr2, &si, &short_));

  // Real-time signals queue, in order, with their values; standard ones
  // coalesce.
  sigset_t rt;
  sigemptyset(&rt);
  sigaddset(&rt, SIGRTMIN + 1);
  sigaddset(&rt, SIGRTMIN + 2);
  sigaddset(&rt, SIGUSR2);
  sigprocmask(SIG_BLOCK, &rt, NULL);
  for (int i = 0; i < 3; i++) sigqueue(getpid(), SIGRTMIN + 2, (union sigval){.sival_int = 20 + i});
  sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 10});
  raise(SIGUSR2);
  raise(SIGUSR2);
  struct timespec zero = {0, 0};
  for (;;) {
    int s = sigtimedwait(&rt, &si, &zero);
    if (s < 0) break;
    printf("queued: %s value %d\n",
           s == SIGUSR2 ? "USR2" : s == SIGRTMIN + 1 ? "RTMIN+1" : "RTMIN+2",
           s == SIGUSR2 ? 0 : si.si_value.sival_int);
  }
  sigprocmask(SIG_SETMASK, &old, NULL);

  // sigaltstack: SA_ONSTACK handlers run on it; reported as SS_ONSTACK
  // inside; EPERM to change it there; ENOMEM when too small.
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  say("sigaltstack", sigaltstack(&ss, NULL));
  stack_t small = {.ss_sp = altstack, .ss_size = 1024, .ss_flags = 0};
  say("sigaltstack(1024)", sigaltstack(&small, NULL));
  stack_t badflags = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 77};
  say("sigaltstack(flags 77)", sigaltstack(&badflags, NULL));
  struct sigaction sa = {0};
  sa.sa_handler = on_alt;
  sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  printf("SA_ONSTACK handler on altstack: %d\n", on_altstack());
  sa.sa_flags = 0;
  sigaction(SIGUSR1, &sa, NULL);
  handler_sp = 0;
  raise(SIGUSR1);
  printf("plain handler on altstack: %d\n", on_altstack());
  stack_t cur;
  sigaltstack(NULL, &cur);
  printf("outside: flags %d size ok %d\n", cur.ss_flags, cur.ss_size == sizeof altstack);

  // A stack overflow: SIGSEGV can only be handled on the altstack.
  pid_t k = fork();
  if (k == 0) {
    struct sigaction so = {0};
    so.sa_handler = on_overflow;
    so.sa_flags = SA_ONSTACK;
    sigaction(SIGSEGV, &so, NULL);
    if (sigsetjmp(env, 1) == 0) recurse(0);
    printf("overflow caught on altstack: %d\n", on_altstack());
    _exit(0);
  }
  int st;
  waitpid(k, &st, 0);
  printf("overflow child: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));

  // The same overflow without an altstack kills (the frame cannot be
  // written).
  k = fork();
  if (k == 0) {
    stack_t off = {.ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    struct sigaction so = {0};
    so.sa_handler = on_overflow;
    sigaction(SIGSEGV, &so, NULL);
    if (sigsetjmp(env, 1) == 0) recurse(0);
    _exit(0);
  }
  waitpid(k, &st, 0);
  printf("overflow without altstack: %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
         WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
  return 0;
}
