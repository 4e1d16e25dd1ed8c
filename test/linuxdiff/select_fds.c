// select(2) and pselect6(2) over pipes, a FIFO, a regular file and
// /dev/null: which set a descriptor counts in (end of file is readable, a
// reader gone makes the writer writable, nothing is exceptional), bits at or
// past n ignored and cleared, the count of bits, a writer in another process
// waking the wait, the timeout written back (time left, 0 at expiry), the
// sigmask argument (a signal it unblocks ends the wait with EINTR, and the
// old mask is back after), and the errors: EBADF, EINVAL, EFAULT.
#include "ld.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

// The three sets after a call: which of fds[] are in each.
static void show(const char* what, int r, fd_set* in, fd_set* out, fd_set* ex, const int* fds,
                 int nfds) {
  printf("%s = %d", what, r < 0 ? -1 : r);
  if (r < 0) {
    printf(" %s\n", strerrorname_np(errno));
    return;
  }
  for (int i = 0; i < nfds; i++) {
    printf(" [%d]%s%s%s", i, in && FD_ISSET(fds[i], in) ? "r" : "",
           out && FD_ISSET(fds[i], out) ? "w" : "", ex && FD_ISSET(fds[i], ex) ? "x" : "");
  }
  printf("\n");
}

static int maxfd(const int* fds, int n) {
  int m = -1;
  for (int i = 0; i < n; i++)
    if (fds[i] > m) m = fds[i];
  return m + 1;
}

// select with every fd in every set, no wait.
static void poll_all(const char* what, const int* fds, int n) {
  fd_set in, out, ex;
  FD_ZERO(&in);
  FD_ZERO(&out);
  FD_ZERO(&ex);
  for (int i = 0; i < n; i++) {
    FD_SET(fds[i], &in);
    FD_SET(fds[i], &out);
    FD_SET(fds[i], &ex);
  }
  struct timeval tv = {0, 0};
  int r = select(maxfd(fds, n), &in, &out, &ex, &tv);
  show(what, r, &in, &out, &ex, fds, n);
}

static long raw_pselect(int n, fd_set* in, fd_set* out, fd_set* ex, struct timespec* ts,
                        void* pack) {
  return syscall(SYS_pselect6, n, in, out, ex, ts, pack);
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) {
  (void)sig;
  got_usr1++;
}

int main(void) {
  char dir[] = "/tmp/ldselectXXXXXX";
  if (!mkdtemp(dir) || chdir(dir)) return 1;

  int a[2], b[2];
  if (pipe(a) || pipe(b)) return 1;
  int file = open("f", O_RDWR | O_CREAT, 0644);
  int null = open("/dev/null", O_RDWR);
  if (file < 0 || null < 0) return 1;

  int pipes[4] = {a[0], a[1], b[0], b[1]};
  poll_all("empty pipes", pipes, 4);
  write(a[1], "x", 1);
  poll_all("a has a byte", pipes, 4);
  int others[2] = {file, null};
  poll_all("file and /dev/null", others, 2);

  // End of file reads as ready; a write end without readers is writable
  // (the write would fail at once); a read end in the write set alone, or
  // in the exceptional set, is never ready.
  close(b[1]);
  int rb[1] = {b[0]};
  poll_all("b's writer gone", rb, 1);
  fd_set out;
  FD_ZERO(&out);
  FD_SET(b[0], &out);
  struct timeval tv = {0, 0};
  show("read end in the write set", select(b[0] + 1, NULL, &out, NULL, &tv), NULL, &out, NULL,
       rb, 1);
  close(a[0]);
  int wa[1] = {a[1]};
  signal(SIGPIPE, SIG_IGN);
  poll_all("a's reader gone", wa, 1);
  close(a[1]);
  close(b[0]);

  // Bits at or past n are not looked at, and come back cleared.
  if (pipe(a)) return 1;
  write(a[1], "x", 1);
  fd_set in;
  FD_ZERO(&in);
  FD_SET(a[0], &in);
  tv = (struct timeval){0, 0};
  int r = select(a[0], &in, NULL, NULL, &tv);
  printf("n = the fd: %d, still set %d\n", r, FD_ISSET(a[0], &in) != 0);

  // A FIFO opened for reading without a writer: not readable yet, then
  // readable when a writer writes.
  if (mkfifo("fifo", 0644)) return 1;
  int fr = open("fifo", O_RDONLY | O_NONBLOCK);
  int fw = open("fifo", O_WRONLY | O_NONBLOCK);
  int fifo[2] = {fr, fw};
  poll_all("fifo, empty", fifo, 2);
  write(fw, "y", 1);
  poll_all("fifo, one byte", fifo, 2);
  close(fw);
  close(fr);

  // A writer in another process wakes the wait; the time left comes back.
  int c[2];
  if (pipe(c)) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    nap_ms(100);
    write(c[1], "z", 1);
    _exit(0);
  }
  FD_ZERO(&in);
  FD_SET(c[0], &in);
  tv = (struct timeval){10, 0};
  r = select(c[0] + 1, &in, NULL, NULL, &tv);
  printf("woken by a child: %d, set %d, time left in (0, 10 s): %d\n", r,
         FD_ISSET(c[0], &in) != 0, tv.tv_sec < 10 && (tv.tv_sec > 0 || tv.tv_usec > 0));
  waitpid(pid, NULL, 0);
  char ch;
  read(c[0], &ch, 1);

  // At expiry the timeout reads 0; a timeout of 0 does not wait.
  FD_ZERO(&in);
  FD_SET(c[0], &in);
  tv = (struct timeval){0, 50000};
  long t0 = now_ms();
  r = select(c[0] + 1, &in, NULL, NULL, &tv);
  printf("50 ms timeout: %d, waited >= 40 ms %d, left %ld.%06ld, set %d\n", r,
         now_ms() - t0 >= 40, (long)tv.tv_sec, (long)tv.tv_usec, FD_ISSET(c[0], &in) != 0);
  struct timespec ts = {0, 0};
  FD_SET(c[0], &in);
  r = raw_pselect(c[0] + 1, &in, NULL, NULL, &ts, NULL);
  printf("zero timeout: %ld, left %ld.%09ld\n", (long)r, (long)ts.tv_sec, ts.tv_nsec);

  // ppoll writes its timeout back as well.
  struct pollfd pf = {c[0], POLLIN, 0};
  ts = (struct timespec){0, 50000000};
  r = syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8);
  printf("ppoll 50 ms timeout: %d, left %ld.%09ld\n", r, (long)ts.tv_sec, ts.tv_nsec);
  pf.fd = c[1];
  pf.events = POLLOUT;
  ts = (struct timespec){5, 0};
  r = syscall(SYS_ppoll, &pf, 1, &ts, NULL, 8);
  printf("ppoll ready at once: %d, left in (4, 5] s %d\n", r,
         ts.tv_sec == 4 || (ts.tv_sec == 5 && ts.tv_nsec == 0));

  // The sigmask argument: SIGUSR1 blocked and pending, a pselect that
  // unblocks it runs the handler and ends with EINTR, the timeout written
  // back; the old mask is in place after.
  struct sigaction sa = {0};
  sa.sa_handler = on_usr1;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t block, none, now;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &block, NULL);
  raise(SIGUSR1);
  struct {
    const sigset_t* p;
    size_t size;
  } pack = {&none, 8};
  FD_ZERO(&in);
  FD_SET(c[0], &in);
  ts = (struct timespec){5, 0};
  long e = raw_pselect(c[0] + 1, &in, NULL, NULL, &ts, &pack);
  sigprocmask(SIG_BLOCK, NULL, &now);
  printf("pselect6 unblocking a pending signal: %ld %s, handler ran %d, left in (4, 5] s %d, "
         "SIGUSR1 blocked after %d\n",
         e, e < 0 ? strerrorname_np(errno) : "", got_usr1,
         ts.tv_sec == 4 || (ts.tv_sec == 5 && ts.tv_nsec == 0), sigismember(&now, SIGUSR1));
  // glibc's pselect with the same mask.
  raise(SIGUSR1);
  FD_ZERO(&in);
  FD_SET(c[0], &in);
  ts = (struct timespec){5, 0};
  say("pselect with a mask that unblocks it", pselect(c[0] + 1, &in, NULL, NULL, &ts, &none));
  printf("handler ran %d\n", got_usr1);
  sigprocmask(SIG_UNBLOCK, &block, NULL);

  // A signal during a plain select: EINTR even under SA_RESTART.
  pid = fork();
  if (pid == 0) {
    nap_ms(100);
    kill(getppid(), SIGUSR1);
    _exit(0);
  }
  FD_ZERO(&in);
  FD_SET(c[0], &in);
  tv = (struct timeval){10, 0};
  say("select, a signal comes", select(c[0] + 1, &in, NULL, NULL, &tv));
  waitpid(pid, NULL, 0);

  // Errors.
  FD_ZERO(&in);
  FD_SET(a[0], &in);
  FD_SET(40, &in);
  tv = (struct timeval){0, 0};
  say("select a closed fd", select(41, &in, NULL, NULL, &tv));
  say("select n < 0", select(-1, NULL, NULL, NULL, &tv));
  ts = (struct timespec){0, 1000000000};
  say("pselect6 nsec 1e9", raw_pselect(1, NULL, NULL, NULL, &ts, NULL));
  ts = (struct timespec){-1, 0};
  say("pselect6 negative sec", raw_pselect(1, NULL, NULL, NULL, &ts, NULL));
  ts = (struct timespec){0, 0};
  say("pselect6 bad set", raw_pselect(a[0] + 1, (fd_set*)8, NULL, NULL, &ts, NULL));
  say("pselect6 bad timeout", raw_pselect(a[0] + 1, NULL, NULL, NULL, (void*)8, NULL));
  say("pselect6 bad argpack", raw_pselect(1, NULL, NULL, NULL, &ts, (void*)8));
  pack.size = 4;
  say("pselect6 sigset size 4", raw_pselect(1, NULL, NULL, NULL, &ts, &pack));
  pack.p = (void*)8;
  pack.size = 8;
  say("pselect6 bad sigset", raw_pselect(1, NULL, NULL, NULL, &ts, &pack));
  pack.p = NULL;
  pack.size = 4;
  say("pselect6 no sigset, size 4", raw_pselect(1, NULL, NULL, NULL, &ts, &pack));
  say("pselect6 n=0, no wait", raw_pselect(0, NULL, NULL, NULL, &ts, NULL));

  unlink("fifo");
  unlink("f");
  chdir("/");
  rmdir(dir);
  return 0;
}
