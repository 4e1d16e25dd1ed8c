// A stopped child whose parent exits before anyone reported the stop goes
// to init with that stop; a later SIGCONT resumes it. (Tine once left the
// stop counted against the dead parent and panicked at the SIGCONT.)
#include "ld.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

int main(void) {
  int pids[2], done[2];
  if (pipe(pids) || pipe(done)) return 1;
  pid_t p = fork();
  if (p == 0) {
    pid_t c = fork();
    if (c == 0) {
      raise(SIGSTOP);
      write(done[1], "c", 1);  // resumed
      _exit(0);
    }
    // Wait until the child is stopped, without reporting it (WNOWAIT).
    siginfo_t si;
    int r = waitid(P_PID, c, &si, WSTOPPED | WNOWAIT);
    write(pids[1], &c, sizeof c);
    _exit(r == 0 && si.si_code == CLD_STOPPED ? 0 : 1);
  }
  pid_t c;
  read(pids[0], &c, sizeof c);
  int st = 0;
  waitpid(p, &st, 0);
  printf("parent saw the stop and exited: %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  say("SIGCONT to the orphan", kill(c, SIGCONT));
  char b = 0;
  say("orphan resumed", read(done[0], &b, 1));
  printf("it says %c\n", b);
  return 0;
}
