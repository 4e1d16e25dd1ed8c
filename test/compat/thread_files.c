// Threads with a descriptor table and a current directory of their own:
// clone(CLONE_THREAD) without CLONE_FILES and CLONE_FS gives the new
// thread copies of its creator's (Linux's files and fs are per task), with
// them it shares the creator's. Raw clone through glibc's clone() on
// stacks of our own, no pthread; each thread is joined by the futex word
// the kernel clears at its exit (CLONE_CHILD_CLEARTID). Then what the
// process sees from such a thread: the last holder of a copied table
// closes it as the thread exits, fork copies the calling thread's table
// and cwd, and exec keeps the exec'ing thread's table (close-on-exec
// applied) and cwd. qemu-user refuses CLONE_THREAD without CLONE_FILES
// and CLONE_FS (EINVAL): thread_files.expected holds Linux's lines.
#include "compat.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define THREAD                                                                          \
  (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID |      \
   CLONE_CHILD_CLEARTID)

static char stack[65536] __attribute__((aligned(16)));
static volatile pid_t ptid, ctid;
// What a thread saw, for main to print: raw syscall results (a thread
// without CLONE_SETTLS shares main's TLS, so it calls nothing of glibc's
// but syscall()).
static volatile long r[16];
static int fd_a, fd_b, pipe_w;
static char self[PATH_MAX];

static long cwd_is(const char* want) {
  char buf[256];
  if (syscall(SYS_getcwd, buf, sizeof buf) < 0) return -1;
  return strcmp(buf, want) == 0;
}

static long fd_open(int fd) { return syscall(SYS_fcntl, fd, F_GETFD) >= 0; }

static void start(int (*fn)(void*), int extra) {
  ctid = -1;
  pid_t t = clone(fn, stack + sizeof stack, THREAD | extra, NULL, &ptid, NULL, &ctid);
  CHECK(t > 0);
  pid_t v;
  while ((v = ctid) != 0) syscall(SYS_futex, &ctid, FUTEX_WAIT, v, NULL, NULL, 0);
}

// Its own table and cwd: a copy of main's, changed here only.
static int own(void* arg) {
  (void)arg;
  r[0] = fd_open(fd_a);                                            // copied: open
  r[1] = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);  // main's next free
  r[2] = syscall(SYS_close, fd_a);
  r[3] = syscall(SYS_dup3, (int)r[1], 50, 0);
  r[4] = syscall(SYS_chdir, "/tmp");
  r[5] = syscall(SYS_umask, 077);
  r[6] = cwd_is("/tmp");
  r[7] = fd_open(pipe_w);  // kept: it goes when this table does
  return 0;
}

// Shares main's (CLONE_FILES|CLONE_FS).
static int shared(void* arg) {
  (void)arg;
  r[0] = syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);
  r[1] = syscall(SYS_close, fd_b);
  r[2] = syscall(SYS_chdir, "/tmp");
  r[3] = syscall(SYS_umask, 027);
  return 0;
}

// Its own table and cwd, then a fork: the child has this thread's.
static int forks(void* arg) {
  (void)arg;
  int x = (int)syscall(SYS_openat, AT_FDCWD, "/tmp", O_RDONLY | O_DIRECTORY);
  r[0] = x >= 0;
  r[1] = syscall(SYS_close, fd_a);  // open in main's table only
  syscall(SYS_chdir, "/tmp");
  syscall(SYS_umask, 077);
  long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) {
    int bits = (int)(fd_open(x) | fd_open(fd_a) << 1 | cwd_is("/tmp") << 2 |
                     (syscall(SYS_umask, 0) == 077) << 3);
    syscall(SYS_exit_group, bits);
  }
  int st = -1;
  r[2] = syscall(SYS_wait4, pid, &st, 0, NULL) == pid;
  r[3] = st;
  return 0;
}

// Its own table and cwd, then exec: the new image starts with them.
static int execs(void* arg) {
  (void)arg;
  int keep = (int)syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY);
  int cloexec = (int)syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  syscall(SYS_close, fd_a);  // still open in main's table
  syscall(SYS_chdir, "/tmp");
  static char args[3][16];
  snprintf(args[0], sizeof args[0], "%d", keep);
  snprintf(args[1], sizeof args[1], "%d", cloexec);
  snprintf(args[2], sizeof args[2], "%d", fd_a);
  char* argv[] = {"thread_files", "execd", args[0], args[1], args[2], NULL};
  char* envp[] = {NULL};
  syscall(SYS_execve, self, argv, envp);
  syscall(SYS_exit_group, 97);  // exec failed
  return 0;
}

static void execd(char** argv) {
  printf("after exec from a thread: its descriptor open %d, its close-on-exec one open %d, "
         "main's open %d, cwd /tmp %ld, one thread %d\n",
         fd_open(atoi(argv[2])) == 1, fd_open(atoi(argv[3])) == 1, fd_open(atoi(argv[4])) == 1,
         cwd_is("/tmp"), getpid() == (pid_t)syscall(SYS_gettid));
  exit(0);
}

int main(int argc, char** argv) {
  if (argc == 5 && strcmp(argv[1], "execd") == 0) execd(argv);
  CHECK(realpath(self_path(argv[0]), self) != NULL);
  CHECK(chdir("/") == 0);
  umask(022);
  int p[2];
  CHECK(pipe2(p, O_NONBLOCK) == 0);  // a read cannot hang the test
  pipe_w = p[1];

  // 1. Without CLONE_FILES and CLONE_FS.
  fd_a = open("/", O_RDONLY | O_DIRECTORY);
  CHECK(fd_a >= 0);
  start(own, 0);
  printf("own table: thread saw main's fd %ld, opened %d, closed main's %ld, dup3 to 50 %ld\n",
         r[0], r[1] >= 0, r[2], r[3]);
  printf("own cwd: chdir %ld, old umask %lo, cwd /tmp %ld, pipe end copied %ld\n", r[4], r[5],
         r[6], r[7]);
  printf("main after: its fd open %ld, thread's fd open %ld, fd 50 open %ld, cwd / %ld, "
         "umask %o\n",
         fd_open(fd_a), fd_open((int)r[1]), fd_open(50), cwd_is("/"), umask(022));
  // The thread's copy held the pipe's write end: it went with the thread.
  CHECK(close(p[1]) == 0);
  struct pollfd pfd = {p[0], POLLIN, 0};
  int n = poll(&pfd, 1, 10000);
  char c;
  say("pipe after the thread: poll", n);
  printf("  hangup %d\n", (pfd.revents & POLLHUP) != 0);
  say("  read (0: no writer left)", read(p[0], &c, 1));
  close(p[0]);

  // 2. With CLONE_FILES|CLONE_FS: one table, one cwd.
  fd_b = open("/", O_RDONLY | O_DIRECTORY);
  CHECK(fd_b >= 0);
  start(shared, CLONE_FILES | CLONE_FS);
  printf("shared: thread opened %d, closed main's %ld, chdir %ld, old umask %lo\n", r[0] >= 0,
         r[1], r[2], r[3]);
  printf("main after: thread's fd open %ld, its own fd open %ld, cwd /tmp %ld, umask %o\n",
         fd_open((int)r[0]), fd_open(fd_b), cwd_is("/tmp"), umask(022));
  close((int)r[0]);
  CHECK(chdir("/") == 0);

  // 3. fork from a thread with its own table and cwd.
  start(forks, 0);
  printf("fork from a thread: opened %ld, closed main's %ld, reaped %ld, status exit %d bits %d\n",
         r[0], r[1], r[2], WIFEXITED((int)r[3]), WEXITSTATUS((int)r[3]));
  printf("main after: its fd open %ld, cwd / %ld, umask %o\n", fd_open(fd_a), cwd_is("/"),
         umask(022));

  // 4. exec from a thread with its own table and cwd; main goes.
  fflush(stdout);
  start(execs, 0);
  printf("exec did not end main\n");
  return 1;
}
