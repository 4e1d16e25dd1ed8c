// ptrace(2)'s error cases, as Linux documents them (man 2 ptrace, ERRORS):
// ESRCH "the specified process does not exist, or is not currently being
// traced by the caller, or is not stopped (for requests that require a
// stopped tracee)"; EPERM "the specified process cannot be traced ...
// insufficient privileges" (another uid's process: here init, as uid 1000),
// and for a process already traced; EIO "request is invalid, or an attempt
// was made to read from or write to an invalid area in the tracer's or the
// tracee's memory ... or an invalid signal was specified during a restart
// request"; EFAULT "an attempt was made to read from or write to an
// invalid area in the tracer's or the tracee's memory" (the tracer's
// iovec); EINVAL "an attempt was made to set an invalid option" (and an
// unknown regset, kernel/ptrace.c find_regset). PTRACE_INTERRUPT needs
// PTRACE_SEIZE (EIO otherwise).
// qemu-user has no ptrace: ptrace_errors.expected holds Linux's lines.
#include "ld.h"

#include <elf.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>

static long pt(long req, pid_t pid, void* addr, void* data) {
  return ptrace(req, pid, addr, data);
}

int main(void) {
  // A child nobody traces, asleep in a read that never returns.
  int fds[2];
  if (pipe(fds) != 0) return 1;
  fflush(stdout);
  pid_t plain = fork();
  if (plain == 0) {
    char c;
    (void)!read(fds[0], &c, 1);
    _exit(0);
  }
  say("PTRACE_CONT on a child not traced", pt(PTRACE_CONT, plain, 0, 0));
  say("PTRACE_GETEVENTMSG on it", pt(PTRACE_GETEVENTMSG, plain, 0, &(unsigned long){0}));
  kill(plain, SIGKILL);
  waitpid(plain, NULL, 0);
  say("PTRACE_CONT on a reaped pid", pt(PTRACE_CONT, plain, 0, 0));

  // A tracee, stopped by its own SIGSTOP.
  fflush(stdout);
  pid_t t = fork();
  if (t == 0) {
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) _exit(10);
    say("second PTRACE_TRACEME", ptrace(PTRACE_TRACEME, 0, 0, 0));
    fflush(stdout);
    kill(getpid(), SIGSTOP);
    _exit(4);
  }
  int st;
  waitpid(t, &st, 0);
  printf("stopped by SIGSTOP = %d\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
  say("PTRACE_ATTACH to one already traced", pt(PTRACE_ATTACH, t, 0, 0));
  say("PTRACE_PEEKDATA at 0", pt(PTRACE_PEEKDATA, t, 0, 0));
  errno = 0;
  say("PTRACE_POKEDATA at 8", pt(PTRACE_POKEDATA, t, (void*)8, (void*)1));
  say("PTRACE_CONT with signal 100", pt(PTRACE_CONT, t, 0, (void*)100L));
  say("unknown request 0x4300", pt(0x4300, t, 0, 0));
  say("PTRACE_SETOPTIONS 0x800", pt(PTRACE_SETOPTIONS, t, 0, (void*)0x800L));
  say("PTRACE_INTERRUPT without SEIZE", pt(PTRACE_INTERRUPT, t, 0, 0));
  unsigned long regs[32];
  struct iovec iov = {regs, sizeof regs};
  say("PTRACE_GETREGSET, iovec at 8", pt(PTRACE_GETREGSET, t, (void*)NT_PRSTATUS, (void*)8));
  struct iovec bad = {(void*)8, sizeof regs};
  say("PTRACE_GETREGSET, iov_base 8", pt(PTRACE_GETREGSET, t, (void*)NT_PRSTATUS, &bad));
  say("PTRACE_GETREGSET, type 0x999", pt(PTRACE_GETREGSET, t, (void*)0x999L, &iov));
  say("PTRACE_GETEVENTMSG into 8", pt(PTRACE_GETEVENTMSG, t, 0, (void*)8));
  say("PTRACE_GETREGSET", pt(PTRACE_GETREGSET, t, (void*)NT_PRSTATUS, &iov));
  say("PTRACE_CONT", pt(PTRACE_CONT, t, 0, 0));
  waitpid(t, &st, 0);
  printf("tracee exit status = %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

  // Another uid may not trace init (ptrace_may_access).
  fflush(stdout);
  pid_t u = fork();
  if (u == 0) {
    if (setuid(1000) != 0) _exit(11);
    say("uid 1000: PTRACE_ATTACH to init", ptrace(PTRACE_ATTACH, 1, 0, 0));
    say("uid 1000: PTRACE_SEIZE to init", ptrace(PTRACE_SEIZE, 1, 0, 0));
    say("uid 1000: PTRACE_ATTACH to itself", ptrace(PTRACE_ATTACH, getpid(), 0, 0));
    fflush(stdout);
    _exit(0);
  }
  waitpid(u, &st, 0);
  say("PTRACE_ATTACH to pid 999999", pt(PTRACE_ATTACH, 999999, 0, 0));
  printf("exit status of the uid 1000 child = %d\n", WEXITSTATUS(st));
  return 0;
}
