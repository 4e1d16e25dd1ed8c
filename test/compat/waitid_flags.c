// waitid: P_PID, P_PGID, P_ALL; WEXITED, WSTOPPED, WCONTINUED, WNOWAIT,
// WNOHANG; the siginfo it fills (si_signo, si_code, si_status, si_pid).
#include "compat.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

static const char* code(int c) {
  switch (c) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
  }
  return "?";
}

static void show(const char* what, int r, siginfo_t* si, pid_t want) {
  if (r < 0) {
    printf("%s: -1 %s\n", what, strerrorname_np(errno));
    return;
  }
  if (si->si_pid == 0) {
    printf("%s: nothing (si_pid 0)\n", what);
    return;
  }
  printf("%s: signo %d code %s status %d right pid %d\n", what, si->si_signo, code(si->si_code),
         si->si_status, si->si_pid == want);
}

int main(void) {
  siginfo_t si;
  pid_t p = fork();
  if (p == 0) _exit(11);
  memset(&si, 0, sizeof si);
  show("P_PID WEXITED|WNOWAIT", waitid(P_PID, p, &si, WEXITED | WNOWAIT), &si, p);
  memset(&si, 0, sizeof si);
  show("P_ALL WEXITED (still there)", waitid(P_ALL, 0, &si, WEXITED), &si, p);
  show("P_ALL again", waitid(P_ALL, 0, &si, WEXITED), &si, p);

  p = fork();
  if (p == 0) {
    for (;;) pause();
  }
  memset(&si, 0xff, sizeof si);
  show("WNOHANG on a running child", waitid(P_PID, p, &si, WEXITED | WNOHANG), &si, p);
  kill(p, SIGSTOP);
  show("WSTOPPED", waitid(P_PID, p, &si, WSTOPPED), &si, p);
  kill(p, SIGCONT);
  show("WCONTINUED", waitid(P_PID, p, &si, WCONTINUED), &si, p);
  kill(p, SIGTERM);
  show("P_PGID killed", waitid(P_PGID, getpgrp(), &si, WEXITED), &si, p);
  p = fork();
  if (p == 0) {
    struct rlimit none = {0, 0};  // no core file (CLD_KILLED, not DUMPED)
    setrlimit(RLIMIT_CORE, &none);
    *(volatile int*)0 = 1;
    _exit(0);
  }
  show("segfault", waitid(P_PID, p, &si, WEXITED), &si, p);
  show("no options", waitid(P_ALL, 0, &si, 0), &si, 0);
  show("bad idtype", waitid(7, 0, &si, WEXITED), &si, 0);
  show("no children", waitid(P_ALL, 0, &si, WEXITED), &si, 0);
  return 0;
}
