// More descriptors than a table's first 64 slots, as Linux's expand_files
// grows it: 1000 open at once up to RLIMIT_NOFILE, the limit enforced
// (EMFILE for open and dup, EINVAL for F_DUPFD's start and EBADF for
// dup2's target at or past it), lowered below open descriptors and raised
// again, a hard limit past fs.nr_open refused (EPERM), and 1000
// descriptors across fork (copied, each closable on its own) and exec
// (close-on-exec ones gone).
//
// Descriptor numbers are printed relative to the first one this program
// got, so that descriptors the harness or qemu-user hold do not matter.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 1000
#define LIMIT 1100

static int fds[N];

static void say(const char* what, long r) {
  if (r < 0)
    printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s: ok\n", what);
}

// Descriptors on /dev/zero in [lo, hi]: ours (the harness's are not).
static int count_open(int lo, int hi) {
  int n = 0;
  struct stat st;
  for (int fd = lo; fd <= hi; fd++)
    if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 5)) n++;
  return n;
}

static int setnofile(rlim_t cur, rlim_t max) {
  struct rlimit rl = {cur, max};
  return setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char** argv) {
  if (argc == 3) {  // after exec: how many of [lo, hi] are still open
    int lo = atoi(argv[1]), hi = atoi(argv[2]);
    printf("  after exec: %d open\n", count_open(lo, hi));
    return 0;
  }
  if (setnofile(LIMIT, LIMIT) != 0) {
    printf("setrlimit %d: %s\n", LIMIT, strerrorname_np(errno));
    return 1;
  }
  printf("sysconf(_SC_OPEN_MAX) %ld\n", sysconf(_SC_OPEN_MAX));
  int ascending = 1;
  for (int i = 0; i < N; i++) {
    fds[i] = open("/dev/zero", O_RDONLY);
    if (fds[i] < 0) {
      printf("open %d: %s\n", i, strerrorname_np(errno));
      return 1;
    }
    if (i && fds[i] <= fds[i - 1]) ascending = 0;
  }
  const int lo = fds[0], hi = fds[N - 1];
  printf("%d opened, ascending %s, open %d\n", N, ascending ? "yes" : "no",
         count_open(lo, hi));

  // A pipe through a descriptor far up.
  int p[2];
  if (pipe(p) != 0) return 1;
  say("dup2 to LIMIT-1", dup2(p[1], LIMIT - 1));
  char buf[16] = {0};
  if (write(LIMIT - 1, "far", 3) != 3 || read(p[0], buf, sizeof buf) != 3) printf("pipe failed\n");
  printf("read through LIMIT-1: %s\n", buf);
  close(LIMIT - 1);
  say("dup2 to LIMIT", dup2(p[1], LIMIT));
  say("dup3 to LIMIT+1000", dup3(p[1], LIMIT + 1000, O_CLOEXEC));
  say("F_DUPFD from LIMIT", fcntl(p[1], F_DUPFD, LIMIT));
  int d = fcntl(p[1], F_DUPFD, LIMIT - 2);
  printf("F_DUPFD from LIMIT-2: %s\n", d == LIMIT - 2 ? "LIMIT-2" : strerrorname_np(errno));
  close(d);
  close(p[0]);
  close(p[1]);

  // Fill every number below the limit: then EMFILE.
  int extra[LIMIT];
  int nextra = 0;
  for (;;) {
    int fd = dup(0);
    if (fd < 0) {
      printf("filling up ends with %s\n", strerrorname_np(errno));
      break;
    }
    extra[nextra++] = fd;
  }
  errno = 0;
  say("open when full", open("/dev/zero", O_RDONLY));
  say("pipe when full", pipe(p));
  printf("highest descriptor is LIMIT-1: %s\n", fcntl(LIMIT - 1, F_GETFD) >= 0 ? "yes" : "no");
  for (int i = 0; i < nextra; i++) close(extra[i]);

  // Lower the soft limit below what is open: those stay usable, new ones
  // must fit under it.
  say("soft limit 500", setnofile(500, LIMIT));
  printf("descriptor hi still open: %s\n", fcntl(hi, F_GETFD) >= 0 ? "yes" : "no");
  say("dup under a limit below every free number", dup(0));
  close(fds[100]);
  int r = dup(0);
  printf("dup after closing fds[100]: %s\n",
         r == fds[100] ? "fds[100]" : r < 0 ? strerrorname_np(errno) : "another");
  say("dup2 onto hi (past the soft limit)", dup2(0, hi));
  say("soft limit back to LIMIT", setnofile(LIMIT, LIMIT));
  say("dup2 onto hi", dup2(fds[1], hi));
  say("soft above hard", setnofile(LIMIT + 1, LIMIT));
  say("hard past nr_open", setnofile(LIMIT, RLIM_INFINITY));

  // fork: the child has its own copy of all 1000.
  for (int i = 600; i < N; i++) fcntl(fds[i], F_SETFD, FD_CLOEXEC);
  fflush(stdout);
  pid_t k = fork();
  if (k == 0) {
    printf("  child: %d open\n", count_open(lo, hi));
    for (int i = 0; i < N; i += 2) close(fds[i]);
    printf("  child closed half: %d open\n", count_open(lo, hi));
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(k, &st, 0);
  printf("parent after the child: %d open\n", count_open(lo, hi));
  fflush(stdout);
  k = fork();
  if (k == 0) {
    char a[16], b[16];
    snprintf(a, sizeof a, "%d", lo);
    snprintf(b, sizeof b, "%d", hi);
    execl(argv[0], argv[0], a, b, (char*)NULL);
    printf("exec: %s\n", strerrorname_np(errno));
    _exit(1);
  }
  waitpid(k, &st, 0);
  // Many forks of a parent with 1000 descriptors, each child exiting at once.
  for (int i = 0; i < 20; i++) {
    k = fork();
    if (k == 0) _exit(0);
    waitpid(k, &st, 0);
  }
  say("close_range over them", syscall(SYS_close_range, lo, hi, 0));
  printf("after close_range: %d open\n", count_open(lo, LIMIT));
  return 0;
}
