// rt_sigaction's layout on riscv64 (issue 7, defect 12): the kernel's
// struct sigaction is 24 bytes (handler, flags, mask), with no restorer.
// glibc's sigaction must read back the mask it set, a raw call must write
// exactly 24 bytes of old action, and a sigset size other than 8 is EINVAL
// (rt_sigaction and rt_sigprocmask), as on Linux.
#define _GNU_SOURCE
#include "ld.h"
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void handler(int sig) { (void)sig; }

// The raw kernel layout, as asm-generic/signal.h has it without SA_RESTORER.
struct ksigaction {
  uint64_t handler, flags, mask;
};

static void print_mask(const char* what, const sigset_t* s) {
  printf("%s:", what);
  for (int sig = 1; sig < 65; sig++)
    if (sigismember(s, sig) == 1) printf(" %d", sig);
  printf("\n");
}

int main(void) {
  // glibc: set an action with a mask, read it back.
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaddset(&sa.sa_mask, SIGTERM);
  sigaddset(&sa.sa_mask, 40);
  say("sigaction(SIGUSR1, set)", sigaction(SIGUSR1, &sa, NULL));
  struct sigaction old;
  memset(&old, 0x55, sizeof old);
  say("sigaction(SIGUSR1, get)", sigaction(SIGUSR1, NULL, &old));
  printf("handler read back: %d\n", old.sa_handler == handler);
  printf("SA_RESTART read back: %d\n", (old.sa_flags & SA_RESTART) != 0);
  print_mask("mask read back", &old.sa_mask);

  // Raw: the old action is 24 bytes; the 8 after it stay as they were.
  unsigned char buf[32];
  memset(buf, 0xaa, sizeof buf);
  say("rt_sigaction(SIGUSR1, NULL, buf, 8)",
      syscall(SYS_rt_sigaction, SIGUSR1, NULL, buf, 8));
  int untouched = 1;
  for (int i = 24; i < 32; i++) untouched &= buf[i] == 0xaa;
  printf("bytes 24..31 untouched: %d\n", untouched);
  struct ksigaction k;
  memcpy(&k, buf, sizeof k);
  printf("raw handler: %d\n", k.handler == (uint64_t)(uintptr_t)handler);
  printf("raw flags: %#llx\n", (unsigned long long)k.flags);
  printf("raw mask: %#llx\n", (unsigned long long)k.mask);

  // Raw set: a 24-byte action followed by junk the kernel must not read.
  struct {
    struct ksigaction a;
    uint64_t junk;
  } in = {{(uint64_t)(uintptr_t)handler, 0, 1ull << (SIGINT - 1)}, ~0ull};
  say("rt_sigaction(SIGUSR2, raw set, NULL, 8)",
      syscall(SYS_rt_sigaction, SIGUSR2, &in, NULL, 8));
  say("sigaction(SIGUSR2, get)", sigaction(SIGUSR2, NULL, &old));
  print_mask("SIGUSR2 mask", &old.sa_mask);

  // The sigset size must be 8, whatever else is asked.
  say("rt_sigaction(SIGUSR1, NULL, buf, 16)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, buf, 16));
  say("rt_sigaction(SIGUSR1, NULL, buf, 4)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, buf, 4));
  say("rt_sigaction(SIGUSR1, NULL, NULL, 0)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 0));
  say("rt_sigaction(99, NULL, NULL, 16)", syscall(SYS_rt_sigaction, 99, NULL, NULL, 16));
  uint64_t set = 0;
  say("rt_sigprocmask(SIG_BLOCK, &set, NULL, 16)",
      syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16));
  say("rt_sigprocmask(SIG_BLOCK, &set, NULL, 8)",
      syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8));

  // Signal numbers: SIGKILL's action may be read but not set.
  say("rt_sigaction(SIGKILL, NULL, buf, 8)", syscall(SYS_rt_sigaction, SIGKILL, NULL, buf, 8));
  say("rt_sigaction(SIGKILL, set, NULL, 8)", syscall(SYS_rt_sigaction, SIGKILL, &in, NULL, 8));
  say("rt_sigaction(SIGSTOP, set, NULL, 8)", syscall(SYS_rt_sigaction, SIGSTOP, &in, NULL, 8));
  say("rt_sigaction(0, NULL, buf, 8)", syscall(SYS_rt_sigaction, 0, NULL, buf, 8));
  say("rt_sigaction(65, NULL, buf, 8)", syscall(SYS_rt_sigaction, 65, NULL, buf, 8));
  say("rt_sigaction(64, NULL, buf, 8)", syscall(SYS_rt_sigaction, 64, NULL, buf, 8));

  // A bad new action is EFAULT and changes nothing.
  say("rt_sigaction(SIGUSR1, bad, NULL, 8)",
      syscall(SYS_rt_sigaction, SIGUSR1, (void*)8, NULL, 8));
  say("sigaction(SIGUSR1, get)", sigaction(SIGUSR1, NULL, &old));
  print_mask("SIGUSR1 mask after EFAULT", &old.sa_mask);
  say("rt_sigaction(SIGUSR1, NULL, bad, 8)",
      syscall(SYS_rt_sigaction, SIGUSR1, NULL, (void*)8, 8));
  return 0;
}
