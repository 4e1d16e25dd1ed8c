// PTRACE_KILL of a tracee in a job-control stop. A tracer that passes
// SIGSTOP on (PTRACE_CONT with SIGSTOP at the signal-delivery-stop) lets
// the tracee stop as any process would (man 2 ptrace, "Group-stop"); the
// tracer's wait reports that stop too. PTRACE_KILL works on a tracee in
// any state (kernel/ptrace.c: ptrace_check_attach with ignore_state) and
// sends SIGKILL, which ends the stop: the tracee dies (Linux's
// signal_wake_up for SIGKILL wakes TASK_STOPPED). Also: the stop of a
// PTRACE_ATTACH reaches the tracer as SIGCHLD with CLD_TRAPPED (a ptrace
// stop), while the group-stop after it is CLD_STOPPED.
// qemu-user has no ptrace: ptrace_kill_stopped.expected holds Linux's lines.
#include "ld.h"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

static int stop_of(pid_t t) {
  int st;
  if (waitpid(t, &st, 0) != t) return -1;
  if (WIFSTOPPED(st)) return WSTOPSIG(st);
  return 1000 + (WIFSIGNALED(st) ? WTERMSIG(st) : -1);
}

static int chld_code(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  struct timespec five = {5, 0};
  siginfo_t si;
  if (sigtimedwait(&set, &si, &five) != SIGCHLD) return -1;
  return si.si_code;
}

int main(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, NULL);
  fflush(stdout);
  pid_t t = fork();
  if (t == 0) {
    for (;;) pause();
  }
  say("PTRACE_ATTACH", ptrace(PTRACE_ATTACH, t, 0, 0));
  printf("attach stop = %d (SIGSTOP %d)\n", stop_of(t), SIGSTOP);
  printf("  SIGCHLD si_code = %d (CLD_TRAPPED %d)\n", chld_code(), CLD_TRAPPED);
  say("PTRACE_CONT with SIGSTOP", ptrace(PTRACE_CONT, t, 0, (void*)(long)SIGSTOP));
  printf("group-stop = %d\n", stop_of(t));
  printf("  SIGCHLD si_code = %d (CLD_STOPPED %d)\n", chld_code(), CLD_STOPPED);
  say("PTRACE_KILL", ptrace(PTRACE_KILL, t, 0, 0));
  printf("tracee end = %d (1000 + SIGKILL %d)\n", stop_of(t), 1000 + SIGKILL);
  return 0;
}
