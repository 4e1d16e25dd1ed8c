// Job-control stops seen by the parent: SIGSTOP stops a child,
// SIGCONT resumes it, SIGKILL ends a stop; wait4 reports them under
// WUNTRACED and WCONTINUED (each once), waitid under WSTOPPED, WCONTINUED
// and WNOWAIT with the siginfo fields a parent reads.
#include "ld.h"

#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

// A child that runs until a signal acts on it (no sleep: a stop must land
// on a running process too).
static pid_t spinner(void) {
  pid_t pid = fork();
  if (pid == 0) {
    for (;;) sched_yield();
  }
  return pid;
}

static void show_status(const char* what, pid_t got, pid_t want, int st) {
  printf("%s: %s", what, got == want ? "that child" : got == 0 ? "nothing" : "?");
  if (got == want) {
    if (WIFSTOPPED(st)) printf(" stopped by %d", WSTOPSIG(st));
    if (WIFCONTINUED(st)) printf(" continued (status %#x)", st);
    if (WIFSIGNALED(st)) printf(" killed by %d", WTERMSIG(st));
    if (WIFEXITED(st)) printf(" exited %d", WEXITSTATUS(st));
  } else if (got < 0) {
    printf(" %s", strerrorname_np(errno));
  }
  printf("\n");
}

static void show_info(const char* what, int r, pid_t want, const siginfo_t* si) {
  if (r < 0) {
    printf("%s: -1 %s\n", what, strerrorname_np(errno));
    return;
  }
  // Nothing to report (WNOHANG): si_pid 0; Linux zeroes the other fields
  // too, qemu-user copies only signo and code back, POSIX leaves them open.
  if (si->si_pid == 0) {
    printf("%s: signo %d code %d pid 0\n", what, si->si_signo, si->si_code);
    return;
  }
  printf("%s: signo %d code %d status %d pid %s uid %s\n", what, si->si_signo, si->si_code,
         si->si_status, si->si_pid == want ? "that child" : "?",
         si->si_uid == getuid() ? "mine" : "?");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int st = 0;
  pid_t c = spinner();

  // wait4: a stop under WUNTRACED, once.
  kill(c, SIGSTOP);
  show_status("wait WUNTRACED", waitpid(c, &st, WUNTRACED), c, st);
  show_status("again WUNTRACED|WNOHANG", waitpid(c, &st, WUNTRACED | WNOHANG), c, st);
  // Without WUNTRACED a stop is not reported.
  show_status("WNOHANG alone", waitpid(c, &st, WNOHANG), c, st);
  // A continue under WCONTINUED, once.
  kill(c, SIGCONT);
  show_status("wait WCONTINUED", waitpid(c, &st, WCONTINUED), c, st);
  show_status("again WCONTINUED|WNOHANG", waitpid(c, &st, WCONTINUED | WNOHANG), c, st);

  // waitid: WNOWAIT leaves the stop to be reported again.
  siginfo_t si;
  kill(c, SIGSTOP);
  memset(&si, 0x55, sizeof si);
  show_info("waitid WSTOPPED|WNOWAIT", waitid(P_PID, c, &si, WSTOPPED | WNOWAIT), c, &si);
  memset(&si, 0x55, sizeof si);
  show_info("waitid WSTOPPED", waitid(P_PID, c, &si, WSTOPPED), c, &si);
  memset(&si, 0x55, sizeof si);
  show_info("waitid WSTOPPED|WNOHANG", waitid(P_PID, c, &si, WSTOPPED | WNOHANG), c, &si);
  kill(c, SIGCONT);
  memset(&si, 0x55, sizeof si);
  show_info("waitid WCONTINUED", waitid(P_ALL, 0, &si, WCONTINUED), c, &si);
  // A continue without a stop in between is not news.
  memset(&si, 0x55, sizeof si);
  show_info("waitid WCONTINUED|WNOHANG", waitid(P_PID, c, &si, WCONTINUED | WNOHANG), c, &si);

  // SIGKILL ends a stop: the child dies, and the parent hears of the death.
  kill(c, SIGSTOP);
  show_status("stopped again", waitpid(c, &st, WUNTRACED), c, st);
  kill(c, SIGKILL);
  memset(&si, 0x55, sizeof si);
  show_info("waitid WEXITED after SIGKILL", waitid(P_PID, c, &si, WEXITED), c, &si);
  memset(&si, 0x55, sizeof si);
  show_info("waitid none left", waitid(P_ALL, 0, &si, WEXITED), c, &si);

  // A child that stops itself, then exits 7 when continued. (SIGSTOP: the
  // terminal stops SIGTSTP/TTIN/TTOU would be discarded if this program's
  // process group is orphaned, as under setsid; see pgrp_orphan.c.)
  pid_t d = fork();
  if (d == 0) {
    kill(getpid(), SIGSTOP);
    _exit(7);
  }
  show_status("self-stop", waitpid(d, &st, WUNTRACED), d, st);
  kill(d, SIGCONT);
  show_status("exit after continue", waitpid(d, &st, 0), d, st);

  // waitid's argument checks.
  show_info("waitid no WEXITED/WSTOPPED/WCONTINUED", waitid(P_ALL, 0, &si, WNOHANG), 0, &si);
  show_info("waitid bad idtype", waitid((idtype_t)7, 0, &si, WEXITED), 0, &si);
  show_info("waitid bad option", waitid(P_ALL, 0, &si, WEXITED | 0x100), 0, &si);
  show_info("waitid P_PID 0", waitid(P_PID, 0, &si, WEXITED), 0, &si);
  show_status("wait4 WNOWAIT", waitpid(-1, &st, WNOWAIT), 0, st);
  return 0;
}
