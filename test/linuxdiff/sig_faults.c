// Handlers for faults (SIGSEGV, SIGILL, SIGTRAP) and for kill/sigqueue, left by siglongjmp: si_code,
// si_addr, the sender in siginfo, the mask inside a handler, SA_NODEFER,
// SA_RESETHAND, and faults that are blocked or ignored killing anyway.
#include "ld.h"

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static sigjmp_buf env;
static volatile int got_sig, got_code;
static void* volatile got_addr;
static volatile pid_t got_pid;
static volatile int got_value;
static volatile int mask_has_self;

static void on_sig(int sig, siginfo_t* si, void* uc) {
  (void)uc;
  got_sig = sig;
  got_code = si->si_code;
  got_addr = si->si_addr;
  got_pid = si->si_pid;
  got_value = si->si_value.sival_int;
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  mask_has_self = sigismember(&now, sig);
  siglongjmp(env, 1);
}

static void catch_(int sig, int flags) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_sig;
  sa.sa_flags = SA_SIGINFO | flags;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void report(const char* what) {
  // (sa_mask in the handler is not printed: qemu-user does not apply it.)
  printf("%s: sig %d code %d self-blocked %d\n", what, got_sig, got_code, mask_has_self);
}

static volatile int* volatile bad_ptr = (volatile int*)16;

// In a child: a fault that must kill, whatever the program asked for.
static void must_die(const char* what, void (*setup)(void)) {
  pid_t c = fork();
  if (c == 0) {
    setup();
    *bad_ptr = 1;
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  printf("%s: %s %d\n", what, WIFSIGNALED(st) ? "signal" : "exit",
         WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}
static void block_segv(void) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGSEGV);
  sigprocmask(SIG_BLOCK, &s, NULL);
}
static void ignore_segv(void) { signal(SIGSEGV, SIG_IGN); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  catch_(SIGSEGV, 0);
  catch_(SIGILL, 0);
  catch_(SIGUSR1, 0);

  // Unmapped: SEGV_MAPERR at the address.
  volatile int* bad = (volatile int*)0x1000;
  if (sigsetjmp(env, 1) == 0) {
    *bad = 1;
    puts("no fault");
  }
  report("segv unmapped");
  printf("addr ok %d\n", got_addr == (void*)bad);

  // Mapped read-only: SEGV_ACCERR.
  char* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (sigsetjmp(env, 1) == 0) {
    *(volatile char*)(ro + 100) = 1;
    puts("no fault");
  }
  report("segv read-only");
  printf("addr ok %d\n", got_addr == (void*)(ro + 100));

  // The mask is back after siglongjmp, and SIGSEGV works a second time.
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  printf("after longjmp: segv blocked %d\n", sigismember(&now, SIGSEGV));

  // An illegal instruction: ILL_ILLOPC at the instruction.
  extern char ill_at[];
  if (sigsetjmp(env, 1) == 0) {
    __asm__ volatile("ill_at: .4byte 0\n");
    puts("no fault");
  }
  report("ill");
  printf("addr ok %d\n", got_addr == (void*)ill_at);

  // A breakpoint: SIGTRAP, TRAP_BRKPT at the instruction.
  catch_(SIGTRAP, 0);
  extern char brk_at[];
  if (sigsetjmp(env, 1) == 0) {
    __asm__ volatile("brk_at: ebreak\n");
    puts("no trap");
  }
  report("trap");
  printf("addr ok %d\n", got_addr == (void*)brk_at);

  // kill: SI_USER with our pid.
  if (sigsetjmp(env, 1) == 0) {
    kill(getpid(), SIGUSR1);
    puts("not delivered");
  }
  report("kill");
  printf("pid ok %d\n", got_pid == getpid());

  // sigqueue: SI_QUEUE with the value.
  if (sigsetjmp(env, 1) == 0) {
    union sigval v = {.sival_int = 4242};
    sigqueue(getpid(), SIGUSR1, v);
    puts("not delivered");
  }
  report("sigqueue");
  printf("value %d pid ok %d\n", got_value, got_pid == getpid());

  // raise (tgkill): SI_TKILL.
  if (sigsetjmp(env, 1) == 0) {
    raise(SIGUSR1);
    puts("not delivered");
  }
  report("raise");

  // SA_NODEFER: the signal is not blocked in its handler.
  catch_(SIGUSR1, SA_NODEFER);
  if (sigsetjmp(env, 1) == 0) raise(SIGUSR1);
  report("nodefer");

  // SA_RESETHAND: one delivery, then the default.
  catch_(SIGUSR1, SA_RESETHAND);
  if (sigsetjmp(env, 1) == 0) raise(SIGUSR1);
  report("resethand");
  struct sigaction old;
  sigaction(SIGUSR1, NULL, &old);
  printf("resethand: now default %d\n", old.sa_handler == SIG_DFL);

  // A blocked signal stays pending until unblocked, then runs.
  catch_(SIGUSR1, 0);
  sigset_t u1;
  sigemptyset(&u1);
  sigaddset(&u1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &u1, NULL);
  got_sig = 0;
  if (sigsetjmp(env, 1) == 0) {
    raise(SIGUSR1);
    sigset_t pend;
    sigpending(&pend);
    printf("blocked: pending %d delivered %d\n", sigismember(&pend, SIGUSR1), got_sig);
    sigprocmask(SIG_UNBLOCK, &u1, NULL);
    puts("not delivered");
  }
  report("unblocked");

  // Blocked or ignored, a fault kills.
  must_die("blocked segv", block_segv);
  must_die("ignored segv", ignore_segv);

  // Bad arguments.
  struct sigaction sa = {0};
  say("sigaction(0)", sigaction(0, &sa, NULL));
  say("sigaction(65)", sigaction(65, &sa, NULL));
  say("sigaction(SIGKILL)", sigaction(SIGKILL, &sa, NULL));
  // glibc copies the action itself, so the kernel's EFAULT needs the raw call.
  say("rt_sigaction(bad ptr)", syscall(SYS_rt_sigaction, SIGUSR1, (void*)8, NULL, 8));
  say("rt_sigaction(bad oldptr)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, (void*)8, 8));
  say("rt_sigaction(size 4)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 4));
  say("sigprocmask(bad how)", sigprocmask(7, &u1, NULL));
  say("kill(bad sig)", kill(getpid(), 99));
  return 0;
}
