// poll(2) on pipes: readiness, end of file (POLLHUP), a reader gone
// (POLLERR), closed and negative descriptors, timeouts, a writer in another
// process waking a poller, a signal ending the wait (EINTR), a bad array.
#include "ld.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <time.h>

static void show(const char* what, int r, struct pollfd* p, int n) {
  printf("%s = %d", what, r < 0 ? -1 : r);
  if (r < 0) printf(" %s", strerrorname_np(errno));
  for (int i = 0; i < n && r >= 0; i++) printf(" [%d]%#x", i, p[i].revents);
  printf("\n");
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  int a[2], b[2];
  if (pipe(a) || pipe(b)) return 1;
  struct pollfd p[4] = {{a[0], POLLIN, 0}, {a[1], POLLOUT, 0}, {-1, POLLIN, 0}, {b[0], POLLIN, 0}};
  show("empty pipe, no wait", poll(p, 4, 0), p, 4);
  write(a[1], "x", 1);
  show("one byte", poll(p, 4, 0), p, 4);
  show("timeout 50 ms, nothing new on b", poll(&p[3], 1, 50), &p[3], 1);

  // A child writes after a pause: the poller wakes for it.
  pid_t pid = fork();
  if (pid == 0) {
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, 0);
    write(b[1], "y", 1);
    _exit(0);
  }
  show("b, a child writes later", poll(&p[3], 1, 10000), &p[3], 1);
  waitpid(pid, 0, 0);

  // End of file and a reader gone.
  close(b[1]);
  char c;
  read(b[0], &c, 1);
  show("b, writer closed", poll(&p[3], 1, 0), &p[3], 1);
  close(a[0]);
  struct pollfd w = {a[1], POLLOUT, 0};
  show("a's write end, reader closed", poll(&w, 1, 0), &w, 1);

  // A closed descriptor.
  struct pollfd bad = {a[0], POLLIN, 0};
  show("closed fd", poll(&bad, 1, 0), &bad, 1);

  // A signal ends the wait: EINTR, even with SA_RESTART (as Linux).
  int c2[2];
  pipe(c2);
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, 0);
  alarm(1);
  struct pollfd q = {c2[0], POLLIN, 0};
  show("alarm during an endless poll", poll(&q, 1, -1), &q, 1);

  // A bad array (through the raw call: the compiler would see the bad
  // pointer passed to glibc's poll).
  struct timespec zero = {0, 0};
  show("bad array", (int)syscall(SYS_ppoll, 8L, 1L, &zero, 0L, 8L), 0, 0);
  return 0;
}
