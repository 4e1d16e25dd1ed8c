// Process groups and sessions: setsid/setpgid/getpgid/getsid and their
// errors, kill(-pgid) reaching only that group, wait4(-pgid) reaping only
// it, terminal stops discarded in an orphaned group and obeyed in another,
// and an orphaned group's stopped member getting SIGHUP then SIGCONT.
// Everything runs in a new session, so the outcome does not depend on the
// group and session this program was started in.
#include "ld.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static void show(const char* what, pid_t got, pid_t want, int st) {
  printf("%s: %s", what, got == want ? "that child" : got == 0 ? "nothing" : "?");
  if (got == want) {
    if (WIFSTOPPED(st)) printf(" stopped by %d", WSTOPSIG(st));
    if (WIFSIGNALED(st)) printf(" killed by %d", WTERMSIG(st));
    if (WIFEXITED(st)) printf(" exited %d", WEXITSTATUS(st));
  } else if (got < 0) {
    printf(" %s", strerrorname_np(errno));
  }
  printf("\n");
}

// A child that waits for EOF on fd (or a signal), then exits 0.
static pid_t waiter(int fd, int close_fd) {
  pid_t pid = fork();
  if (pid == 0) {
    close(close_fd);
    char c;
    while (read(fd, &c, 1) != 0) {
    }
    _exit(0);
  }
  return pid;
}

static int report_fd = -1;
static void on_hup(int sig) {
  (void)sig;
  (void)!write(report_fd, "got SIGHUP\n", 11);
}

static int session(const char* self) {
  pid_t me = getpid();
  say("setsid again (a leader)", setsid());
  printf("getsid(0) is me: %d\n", getsid(0) == me);
  printf("getpgid(0) is me: %d\n", getpgid(0) == me);
  say("setpgid(0, 0) as session leader", setpgid(0, 0));
  say("setpgid(0, -1)", setpgid(0, -1));
  say("getpgid(no such pid)", getpgid(999999));
  say("getsid(no such pid)", getsid(999999));
  say("setpgid(no such pid, 0)", setpgid(999999, 0));
  say("setpgid(my parent, 0)", setpgid(getppid(), 0));

  int hold[2];
  if (pipe(hold)) return 1;
  // X leads a new group; P1 and P2 join it; Q stays in ours.
  pid_t x = waiter(hold[0], hold[1]);
  say("setpgid(child, child)", setpgid(x, x));
  printf("getpgid(child) is the child: %d\n", getpgid(x) == x);
  printf("getsid(child) is mine: %d\n", getsid(x) == me);
  say("setpgid(child, no such group)", setpgid(x, 999999));
  pid_t p1 = waiter(hold[0], hold[1]), p2 = waiter(hold[0], hold[1]);
  pid_t q = waiter(hold[0], hold[1]);
  say("setpgid(p1, x's group)", setpgid(p1, x));
  say("setpgid(p2, x's group)", setpgid(p2, x));
  // kill(-pgid): the three members, not Q.
  say("kill(-x, SIGTERM)", kill(-x, SIGTERM));
  int st = 0, n = 0;
  pid_t r;
  while ((r = waitpid(-x, &st, 0)) > 0) {
    n++;
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM) printf("a member ended otherwise\n");
  }
  printf("wait4(-x) reaped %d members, then %s\n", n, strerrorname_np(errno));
  show("Q after the group kill", waitpid(q, &st, WNOHANG), q, st);
  say("kill(-x) with the group gone", kill(-x, 0));
  close(hold[1]);
  show("Q", waitpid(q, &st, 0), q, st);
  close(hold[0]);

  // EACCES: a child that has exec'd.
  int ready[2];
  if (pipe(ready)) return 1;
  pid_t y = fork();
  if (y == 0) {
    close(ready[0]);
    char fdarg[16];
    snprintf(fdarg, sizeof fdarg, "%d", ready[1]);
    char* args[] = {(char*)self, "execd", fdarg, NULL};
    execv(self, args);
    _exit(127);
  }
  close(ready[1]);
  char c;
  if (read(ready[0], &c, 1) != 1) printf("the exec'd child did not report\n");
  say("setpgid(exec'd child, itself)", setpgid(y, y));
  kill(y, SIGKILL);
  show("exec'd child", waitpid(y, &st, 0), y, st);
  close(ready[0]);

  // Terminal stops: discarded in our group (orphaned: our parent is in
  // another session), obeyed in a group whose leader's parent (us) is in
  // another group of the same session.
  pid_t u = fork();
  if (u == 0) {
    kill(getpid(), SIGTSTP);
    _exit(4);
  }
  show("SIGTSTP in an orphaned group", waitpid(u, &st, WUNTRACED), u, st);
  pid_t t = fork();
  if (t == 0) {
    setpgid(0, 0);
    kill(getpid(), SIGTSTP);
    _exit(3);
  }
  setpgid(t, t);
  show("SIGTSTP in a group with a parent outside", waitpid(t, &st, WUNTRACED), t, st);
  kill(t, SIGCONT);
  show("continued", waitpid(t, &st, 0), t, st);

  // An orphaned group with a stopped member: A leads a group, its child B
  // stops; A exits, orphaning the group: B gets SIGHUP, then SIGCONT.
  int rep[2];
  if (pipe(rep)) return 1;
  pid_t a = fork();
  if (a == 0) {
    setpgid(0, 0);
    close(rep[0]);
    pid_t b = fork();
    if (b == 0) {
      report_fd = rep[1];
      signal(SIGHUP, on_hup);
      kill(getpid(), SIGSTOP);
      (void)!write(rep[1], "continued\n", 10);
      _exit(0);
    }
    int bst;
    if (waitpid(b, &bst, WUNTRACED) != b || !WIFSTOPPED(bst)) _exit(1);
    _exit(0);  // the group is orphaned now
  }
  close(rep[1]);
  show("A", waitpid(a, &st, 0), a, st);
  char buf[64];
  ssize_t k;
  while ((k = read(rep[0], buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)k, stdout);
  printf("B's pipe closed\n");
  return 0;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc == 3 && strcmp(argv[1], "execd") == 0) {
    (void)!write(atoi(argv[2]), "x", 1);
    for (;;) pause();
  }
  char buf[256];
  const char* self = self_path(argv[0], buf, sizeof buf);
  pid_t s = fork();
  if (s == 0) {
    pid_t sid = setsid();
    printf("setsid in a child: %s\n", sid == getpid() ? "its pid" : "?");
    _exit(session(self));
  }
  int st;
  show("session", waitpid(s, &st, 0), s, st);
  return 0;
}
