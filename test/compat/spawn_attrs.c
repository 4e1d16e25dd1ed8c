// posix_spawn's attributes: POSIX_SPAWN_SETSID, SETPGROUP, SETSIGMASK,
// SETSIGDEF and RESETIDS, each seen from inside the child.
#include "compat.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

static void report(void) {
  sigset_t m;
  sigprocmask(SIG_SETMASK, NULL, &m);
  struct sigaction sa;
  sigaction(SIGUSR2, NULL, &sa);
  struct sigaction si;
  sigaction(SIGINT, NULL, &si);
  printf("  sid==pid %d pgid==pid %d pgid==parent's %d\n", getsid(0) == getpid(),
         getpgid(0) == getpid(), getpgid(0) == getpgid(getppid()));
  printf("  USR1 blocked %d HUP blocked %d USR2 %s INT %s\n", sigismember(&m, SIGUSR1),
         sigismember(&m, SIGHUP), sa.sa_handler == SIG_IGN ? "ignored" : "default",
         si.sa_handler == SIG_IGN ? "ignored" : "default");
  printf("  uid==euid %d gid==egid %d\n", getuid() == geteuid(), getgid() == getegid());
}

static void spawn(const char* self, const char* what, short flags, posix_spawnattr_t* a) {
  char* args[] = {(char*)self, (char*)what, NULL};
  pid_t p;
  CHECK(posix_spawnattr_setflags(a, flags) == 0);
  int err = posix_spawn(&p, self, NULL, a, args, environ);
  CHECK(err == 0);
  int st;
  CHECK(waitpid(p, &st, 0) == p);
  printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

int main(int argc, char** argv) {
  if (argc > 1) {
    printf("%s:\n", argv[1]);
    report();
    return 0;
  }
  const char* self = self_path(argv[0]);
  // The parent: its own group, SIGUSR1 and SIGHUP blocked, SIGUSR2 and
  // SIGINT ignored.
  CHECK(setpgid(0, 0) == 0);
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  sigaddset(&m, SIGHUP);
  sigprocmask(SIG_BLOCK, &m, NULL);
  signal(SIGUSR2, SIG_IGN);
  signal(SIGINT, SIG_IGN);

  posix_spawnattr_t a;
  posix_spawnattr_init(&a);
  spawn(self, "plain", 0, &a);
  spawn(self, "setsid", POSIX_SPAWN_SETSID, &a);
  CHECK(posix_spawnattr_setpgroup(&a, 0) == 0);
  spawn(self, "setpgroup-0", POSIX_SPAWN_SETPGROUP, &a);
  sigset_t only_hup;
  sigemptyset(&only_hup);
  sigaddset(&only_hup, SIGHUP);
  CHECK(posix_spawnattr_setsigmask(&a, &only_hup) == 0);
  spawn(self, "setsigmask-hup", POSIX_SPAWN_SETSIGMASK, &a);
  sigset_t def;
  sigemptyset(&def);
  sigaddset(&def, SIGUSR2);
  CHECK(posix_spawnattr_setsigdefault(&a, &def) == 0);
  spawn(self, "setsigdef-usr2", POSIX_SPAWN_SETSIGDEF, &a);
  spawn(self, "resetids", POSIX_SPAWN_RESETIDS, &a);
  spawn(self, "all", POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                     POSIX_SPAWN_RESETIDS, &a);
  // SETSID with SETPGROUP: setsid fails (the child leads its group), so
  // the spawn fails with EPERM, as Linux's.
  posix_spawnattr_destroy(&a);
  return 0;
}
