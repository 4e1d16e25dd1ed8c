// Real, effective and saved ids and what access(2) checks with: setresuid
// and setresgid (root may set any; others only one of their three),
// setuid/setgid without privilege (the effective id only), getresuid and
// getresgid; faccessat uses the real ids for the check and for the walk,
// AT_EACCESS the effective ones, and open the effective ones. Runs the
// id changes in a child; the parent (root) cleans up.
#include "ld.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void ids(const char* when) {
  uid_t r, e, s;
  gid_t gr, ge, gs;
  getresuid(&r, &e, &s);
  getresgid(&gr, &ge, &gs);
  printf("%s: uids %u %u %u, gids %u %u %u\n", when, r, e, s, gr, ge, gs);
}

static void make(const char* name, uid_t uid, gid_t gid, mode_t mode) {
  int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0 || fchown(fd, uid, gid) || fchmod(fd, mode)) printf("make %s failed\n", name);
  close(fd);
}

static void both(const char* name, int mode) {
  char what[96];
  snprintf(what, sizeof what, "access %s %d (real)", name, mode);
  say(what, faccessat(AT_FDCWD, name, mode, 0));
  snprintf(what, sizeof what, "access %s %d (effective)", name, mode);
  say(what, faccessat(AT_FDCWD, name, mode, AT_EACCESS));
}

static void child(void) {
  say("setresgid 100 200 300", setresgid(100, 200, 300));
  say("setresuid 1000 2000 0", setresuid(1000, 2000, 0));
  ids("split");
  both("g100", R_OK);
  both("g200", R_OK);
  both("u1000", R_OK);
  both("u2000", R_OK);
  both("d2000/f", R_OK);
  both("u2000", W_OK);
  both("u2000", F_OK);
  int fd = open("u2000", O_RDONLY);
  say("open u2000 (effective owner)", fd >= 0 ? 0 : -1);
  if (fd >= 0) close(fd);
  say("open u1000 (real owner only)", open("u1000", O_RDONLY));

  // Unprivileged: only the ids one already has.
  say("setresuid -1 0 -1 (saved root)", setresuid(-1, 0, -1));
  ids("euid 0");
  both("u2000", R_OK);
  both("x0644", X_OK);
  say("setresuid -1 5000 -1 (as euid 0)", setresuid(-1, 5000, -1));
  ids("euid 5000");
  say("setresuid 5000 5000 5000", setresuid(5000, 5000, 5000));
  say("setresuid 7 -1 -1", setresuid(7, -1, -1));
  say("setresuid -1 -1 -1", setresuid(-1, -1, -1));
  ids("all 5000");
  say("setuid 0", setuid(0));
  say("setuid -1", setuid(-1));
  say("setgid 300 (the saved gid)", setgid(300));
  ids("setgid 300");
  say("setgid 7", setgid(7));
  say("setresgid 100 -1 -1", setresgid(100, -1, -1));
  ids("end");
  say("getresuid bad pointer", syscall(148, (void*)8, (void*)8, (void*)8));
}

int main(void) {
  char dir[] = "/tmp/ldidsXXXXXX";
  if (!mkdtemp(dir) || chmod(dir, 0755) || chdir(dir)) return 1;
  umask(0);
  ids("root");
  make("g100", 0, 100, 0640);
  make("g200", 0, 200, 0640);
  make("u1000", 1000, 0, 0400);
  make("u2000", 2000, 0, 0600);
  make("x0644", 0, 0, 0644);
  say("mkdir d2000", mkdir("d2000", 0700));
  say("chown d2000", chown("d2000", 2000, 0));
  make("d2000/f", 2000, 0, 0444);

  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    child();
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("child: %s %d\n", WIFEXITED(st) ? "exit" : "signal",
         WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
  ids("parent after");

  unlink("d2000/f");
  rmdir("d2000");
  const char* names[] = {"g100", "g200", "u1000", "u2000", "x0644"};
  for (unsigned i = 0; i < sizeof names / sizeof *names; i++) unlink(names[i]);
  chdir("/");
  say("rmdir", rmdir(dir));
  return 0;
}
