/* getgroups/setgroups (158/159) as Linux answers them: groups kept sorted,
 * the count probe, a list too short, bad pointers, the limit, inherited by
 * fork and kept by exec, shown in /proc/self/status, EPERM once not root,
 * and a file's group bits granted through a supplementary group. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, int r) {
  if (r < 0)
    printf("%s: -1 %s\n", what, strerror(errno));
  else
    printf("%s: %d\n", what, r);
}

static void list(const char *what) {
  gid_t g[16];
  int n = getgroups(16, g);
  printf("%s:", what);
  if (n < 0) printf(" -1 %s", strerror(errno));
  for (int i = 0; i < n; i++) printf(" %u", (unsigned)g[i]);
  printf("\n");
}

static void status_line(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "Groups:", 7) == 0) printf("status %s", line);
  if (f) fclose(f);
}

/* In a child: drop to uid 1000 / gid 1000 with the given groups, then try
 * to read path. */
static void read_as(const char *what, const char *path, int ngroups, const gid_t *groups) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (setgroups(ngroups, groups) < 0 || setresgid(1000, 1000, 1000) < 0 ||
        setresuid(1000, 1000, 1000) < 0)
      _exit(2);
    int fd = open(path, O_RDONLY);
    printf("%s: %s\n", what, fd >= 0 ? "opens" : strerror(errno));
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) printf("%s: child failed\n", what);
}

int main(int argc, char **argv) {
  if (argc > 1) {  /* after exec */
    list("after exec");
    return 0;
  }
  show("clear", setgroups(0, NULL));
  show("count when none", getgroups(0, NULL));
  status_line();
  gid_t g[] = {30, 10, 20, 10};
  show("set 4", setgroups(4, g));
  show("count", getgroups(0, NULL));
  list("sorted");
  status_line();
  gid_t small[2];
  show("list too short", getgroups(2, small));
  show("negative size", (int)syscall(SYS_getgroups, -1, small));
  show("bad list", (int)syscall(SYS_getgroups, 4, (gid_t *)8));
  show("set bad list", setgroups(2, (gid_t *)8));
  show("set more than NGROUPS_MAX", setgroups(65537, g));
  list("unchanged");
  gid_t one[] = {20};
  show("set 1", setgroups(1, one));
  show("getgroups exact size", getgroups(1, small));
  fflush(stdout);

  pid_t pid = fork();
  if (pid == 0) {
    list("fork child");
    fflush(stdout);
    execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
    printf("exec: %s\n", strerror(errno));
    _exit(1);
  }
  waitpid(pid, NULL, 0);

  /* A file of group 20, mode 0640, in a directory everyone may search. */
  char dir[] = "/tmp/groups_basic_XXXXXX";
  if (!mkdtemp(dir) || chmod(dir, 0755) < 0) return 1;
  char path[64];
  snprintf(path, sizeof path, "%s/f", dir);
  int fd = open(path, O_CREAT | O_WRONLY, 0640);
  if (fd < 0 || fchown(fd, 0, 20) < 0) return 1;
  close(fd);
  chmod(path, 0640);
  gid_t with[] = {5, 20}, without[] = {5, 21};
  read_as("group 20 supplementary", path, 2, with);
  read_as("group 20 absent", path, 2, without);
  read_as("no groups", path, 0, NULL);

  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    setresuid(1000, 1000, 1000);
    show("not root: setgroups", setgroups(1, one));
    show("not root: setgroups none", setgroups(0, NULL));
    list("not root keeps");
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  unlink(path);
  rmdir(dir);
  return 0;
}
