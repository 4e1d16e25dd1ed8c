// PTRACE_ATTACH to a process asleep in a system call (man 2 ptrace,
// "Attaching and detaching"; signal(7), "Interruption of system calls"):
// the SIGSTOP ends the sleep at once, the tracer sees the
// signal-delivery-stop, and after PTRACE_CONT without a signal the read is
// restarted (no handler ran): the tracee goes on waiting and gets the byte
// written afterwards.
// qemu-user has no ptrace: ptrace_sleeper.expected holds Linux's lines.
#include "ld.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

int main(void) {
  int fds[2];
  if (pipe(fds) != 0) return 1;
  fflush(stdout);
  pid_t x = fork();
  if (x == 0) {
    char c = 0;
    ssize_t n = read(fds[0], &c, 1);
    _exit(n == 1 ? c : 100 + (int)errno);
  }
  struct timespec ts = {0, 100 * 1000 * 1000};
  nanosleep(&ts, NULL);  // it is asleep in its read by now
  say("PTRACE_ATTACH", ptrace(PTRACE_ATTACH, x, 0, 0));
  int st;
  printf("waitpid = %d\n", waitpid(x, &st, 0) == x);
  printf("stopped by SIGSTOP = %d\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
  say("PTRACE_CONT", ptrace(PTRACE_CONT, x, 0, 0));
  nanosleep(&ts, NULL);
  printf("still waiting for its byte = %d\n", waitpid(x, &st, WNOHANG) == 0);
  say("write", write(fds[1], "\x2a", 1));
  printf("waitpid = %d\n", waitpid(x, &st, 0) == x);
  printf("it read the byte: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
