// Attaching to a running process (man 2 ptrace, "Attaching and
// detaching"): PTRACE_ATTACH sends SIGSTOP and the tracer sees that
// signal-delivery-stop; PTRACE_DETACH lets it run again; PTRACE_SEIZE does
// not stop it (a request needing a stopped tracee is ESRCH), and
// PTRACE_INTERRUPT stops it with PTRACE_EVENT_STOP (status>>16 == 128).
// When a tracer exits, its tracees are detached and go on running (a stop
// the tracer had already seen delivers no signal).
// The target spins on a counter in a MAP_SHARED page the test reads, and
// on getppid.
// qemu-user has no ptrace: ptrace_attach.expected holds Linux's lines.
#include "ld.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static volatile unsigned long* counter;

static void nap(void) {
  struct timespec ts = {0, 50 * 1000 * 1000};
  nanosleep(&ts, NULL);
}

// Whether the target makes progress over a few naps.
static int runs(void) {
  unsigned long before = *counter;
  for (int i = 0; i < 40; i++) {
    nap();
    if (*counter != before) return 1;
  }
  return 0;
}

int main(void) {
  counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (counter == MAP_FAILED) return 1;
  fflush(stdout);
  pid_t x = fork();
  if (x == 0)
    // In a fast syscall most of the time (Tine's fast path must see the
    // attach, the SIGSTOP and the interrupt through its work word).
    for (;;) {
      (*counter)++;
      syscall(SYS_getppid);
    }
  printf("target runs = %d\n", runs());

  say("PTRACE_ATTACH", ptrace(PTRACE_ATTACH, x, 0, 0));
  int st;
  printf("waitpid = %d\n", waitpid(x, &st, 0) == x);
  printf("stopped by SIGSTOP = %d\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
  unsigned long c1 = *counter;
  nap();
  printf("stopped: the counter stands still = %d\n", *counter == c1);
  errno = 0;
  long peek = ptrace(PTRACE_PEEKDATA, x, (void*)counter, 0);
  printf("PEEKDATA of the shared counter is the counter = %d\n", errno == 0 && (unsigned long)peek == c1);
  say("PTRACE_DETACH", ptrace(PTRACE_DETACH, x, 0, 0));
  printf("detached: target runs = %d\n", runs());
  say("PTRACE_CONT after detach", ptrace(PTRACE_CONT, x, 0, 0));

  say("PTRACE_SEIZE", ptrace(PTRACE_SEIZE, x, 0, 0));
  printf("seized: target runs = %d\n", runs());
  say("PTRACE_CONT while it runs", ptrace(PTRACE_CONT, x, 0, 0));
  say("PTRACE_INTERRUPT", ptrace(PTRACE_INTERRUPT, x, 0, 0));
  printf("waitpid = %d\n", waitpid(x, &st, 0) == x);
  printf("status>>8 == SIGTRAP | PTRACE_EVENT_STOP << 8 = %d\n",
         WIFSTOPPED(st) && (st >> 8) == (SIGTRAP | PTRACE_EVENT_STOP << 8));
  say("PTRACE_DETACH", ptrace(PTRACE_DETACH, x, 0, 0));
  printf("detached: target runs = %d\n", runs());

  // A tracer that exits: its tracee goes on.
  fflush(stdout);
  pid_t h = fork();
  if (h == 0) {
    if (ptrace(PTRACE_ATTACH, x, 0, 0) != 0) _exit(1);
    if (waitpid(x, &st, 0) != x || !WIFSTOPPED(st)) _exit(2);
    _exit(0);  // without detaching
  }
  waitpid(h, &st, 0);
  printf("the tracer attached, saw the stop and exited: %d\n", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  printf("the tracer gone: target runs = %d\n", runs());
  say("and it is ours to attach again", ptrace(PTRACE_SEIZE, x, 0, 0));
  say("PTRACE_INTERRUPT", ptrace(PTRACE_INTERRUPT, x, 0, 0));
  waitpid(x, &st, 0);
  kill(x, SIGKILL);
  // The SIGKILL ends the ptrace stop; the tracer (and real parent) reaps.
  printf("waitpid after SIGKILL = %d\n", waitpid(x, &st, 0) == x);
  printf("killed by SIGKILL = %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

  // PTRACE_O_EXITKILL: the tracer's exit kills the tracee.
  fflush(stdout);
  pid_t y = fork();
  if (y == 0)
    for (;;) (*counter)++;
  fflush(stdout);
  h = fork();
  if (h == 0) {
    if (ptrace(PTRACE_SEIZE, y, 0, (void*)(long)PTRACE_O_EXITKILL) != 0) _exit(1);
    _exit(0);
  }
  waitpid(h, &st, 0);
  printf("a tracer with EXITKILL seized and exited: %d\n", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  printf("waitpid of its tracee = %d\n", waitpid(y, &st, 0) == y);
  printf("killed by SIGKILL = %d\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  return 0;
}
