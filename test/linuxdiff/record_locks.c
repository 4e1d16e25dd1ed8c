// POSIX record locks through fcntl: F_GETLK reports a conflicting lock of
// another process (its type, range and pid) or F_UNLCK; F_SETLK fails with
// EAGAIN on a conflict; read locks share, write locks exclude; a process's
// own locks are replaced, split and merged; F_SETLKW waits until the range
// is free, a signal ends the wait (EINTR), and a two-process cycle is
// EDEADLK; closing any descriptor of the file, or exiting, drops the
// process's locks; and the errors: EBADF, EINVAL, EFAULT, EOVERFLOW.
#include "ld.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>

static int fd;
static pid_t parent;

static int lk(int f, int cmd, short type, short whence, off_t start, off_t len) {
  struct flock fl = {.l_type = type, .l_whence = whence, .l_start = start, .l_len = len};
  return fcntl(f, cmd, &fl);
}

// F_GETLK for a range, printed.
static void probe(const char* what, short type, off_t start, off_t len) {
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  if (fcntl(fd, F_GETLK, &fl) < 0) {
    printf("%s: -1 %s\n", what, strerrorname_np(errno));
    return;
  }
  if (fl.l_type == F_UNLCK) {
    printf("%s: free\n", what);
    return;
  }
  printf("%s: %s start %ld len %ld by parent %d\n", what, fl.l_type == F_WRLCK ? "write" : "read",
         (long)fl.l_start, (long)fl.l_len, fl.l_pid == parent);
}

// Runs fn in a child (another lock owner) and waits for it.
static void in_child(void (*fn)(void)) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    fn();
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

static void see_write_0_100(void) {
  probe("child: write 0..99", F_WRLCK, 0, 100);
  probe("child: read 50", F_RDLCK, 50, 1);
  probe("child: write 100..", F_WRLCK, 100, 0);
  say("child: F_SETLK read 10", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 1));
  say("child: F_SETLK write 200", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 200, 10));
}

static void see_split(void) {
  probe("child: 15", F_WRLCK, 15, 1);
  probe("child: 5", F_WRLCK, 5, 1);
  probe("child: 25", F_WRLCK, 25, 1);
  probe("child: 0..", F_RDLCK, 0, 0);
}

static void see_reads(void) {
  say("child: read lock over the parent's read", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10));
  say("child: write lock over it", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, 1));
}

static void see_nothing(void) { probe("child: whole file", F_WRLCK, 0, 0); }

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  char dir[] = "/tmp/ldlocksXXXXXX";
  if (!mkdtemp(dir) || chdir(dir)) return 1;
  parent = getpid();
  setvbuf(stdout, NULL, _IOLBF, 0);  // lines in the order they happen
  fd = open("f", O_RDWR | O_CREAT, 0644);
  write(fd, "0123456789", 10);

  probe("own view, nothing locked", F_WRLCK, 0, 0);
  say("write lock 0..99", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100));
  probe("own locks never conflict", F_WRLCK, 0, 0);
  in_child(see_write_0_100);

  // Unlocking the middle splits the lock; a lock of another type in the
  // middle replaces that part; adjacent locks of one type merge.
  say("unlock 10..19", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 10, 10));
  say("read lock 20..29", lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 20, 10));
  in_child(see_split);
  say("unlock all", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0));
  say("write 0..9", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
  say("write 10..19", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10));
  in_child(see_nothing);
  say("SEEK_CUR and a negative length", (lseek(fd, 30, SEEK_SET), lk(fd, F_SETLK, F_UNLCK, SEEK_CUR, 0, -25)));
  in_child(see_nothing);
  say("SEEK_END -2, 2 bytes", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) |
                                  lk(fd, F_SETLK, F_WRLCK, SEEK_END, -2, 2));
  in_child(see_nothing);

  // Read locks share.
  say("read lock 0..9", lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) |
                            lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10));
  in_child(see_reads);

  // Closing another descriptor of the file drops them.
  int other = open("f", O_RDONLY);
  close(other);
  in_child(see_nothing);

  // F_SETLKW waits for the holder to let go.
  say("write lock 0..9", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
  fflush(stdout);
  int go[2];
  pipe(go);
  pid_t pid = fork();
  if (pid == 0) {
    close(go[1]);
    char c;
    read(go[0], &c, 1);  // the parent is about to unlock
    long t0 = now_ms();
    int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 5, 1);
    printf("child: F_SETLKW = %d after the parent's unlock (waited >= 50 ms %d)\n", r,
           now_ms() - t0 >= 50);
    fflush(stdout);
    _exit(0);
  }
  write(go[1], "x", 1);
  nap_ms(150);
  int r = lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
  waitpid(pid, NULL, 0);
  say("the parent's unlock", r);

  // A signal ends the wait.
  say("write lock again", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10));
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    say("child: F_SETLKW, an alarm comes", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);

  // A child's exit drops its locks; a cycle of two waiters is EDEADLK.
  int lockfd[2], ready[2];
  pipe(lockfd);
  pipe(ready);
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 100, 10);  // B
    write(ready[1], "r", 1);
    int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);  // waits for the parent's A
    printf("child: F_SETLKW on the parent's lock = %d\n", r);
    fflush(stdout);
    _exit(0);
  }
  char c;
  read(ready[0], &c, 1);
  nap_ms(100);  // the child is asleep on A by now
  say("parent: F_SETLKW on the child's lock", lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 100, 1));
  r = lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
  waitpid(pid, NULL, 0);
  say("parent unlocked A", r);
  in_child(see_nothing);

  // Errors.
  int ro = open("f", O_RDONLY), wo = open("f", O_WRONLY);
  say("write lock on O_RDONLY", lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
  say("read lock on O_WRONLY", lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1));
  say("unlock on O_RDONLY", lk(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 1));
  say("F_GETLK on O_RDONLY for write", lk(ro, F_GETLK, F_WRLCK, SEEK_SET, 0, 1));
  say("bad type", lk(fd, F_SETLK, 7, SEEK_SET, 0, 1));
  say("F_GETLK F_UNLCK", lk(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1));
  say("bad whence", lk(fd, F_SETLK, F_WRLCK, 5, 0, 1));
  say("negative start", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1));
  say("length reaching before 0", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 2, -5));
  say("past OFFSET_MAX", lk(fd, F_SETLK, F_WRLCK, SEEK_SET, INT64_MAX, 2));
  say("bad pointer", fcntl(fd, F_SETLK, (void*)8));
  say("bad fd", lk(77, F_SETLK, F_WRLCK, SEEK_SET, 0, 1));
  int p[2];
  pipe(p);
  say("a pipe locks", lk(p[1], F_SETLK, F_WRLCK, SEEK_SET, 0, 1));

  unlink("f");
  chdir("/");
  say("rmdir", rmdir(dir));
  return 0;
}
