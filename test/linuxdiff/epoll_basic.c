// epoll over pipes, eventfds and timerfds: level-triggered reports,
// EPOLLET and EPOLLONESHOT, EPOLLOUT/HUP/ERR, a registration that lives
// as long as the open file (not the descriptor), nested epolls and ELOOP,
// an epoll shared across fork, timeouts, EINTR, the
// sigmask argument, and bad input in Linux's order of checks.
#include "ld.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

static int cmp(const void* a, const void* b) {
  const struct epoll_event* x = a;
  const struct epoll_event* y = b;
  return x->data.u64 < y->data.u64 ? -1 : x->data.u64 > y->data.u64;
}

// Waits and prints the events sorted by their data (the order of several
// ready at once is not part of the contract).
static int show(const char* what, int ep, int max, int timeout) {
  struct epoll_event ev[8];
  int n = epoll_wait(ep, ev, max, timeout);
  if (n < 0) {
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
    return n;
  }
  qsort(ev, n, sizeof ev[0], cmp);
  printf("%s = %d", what, n);
  for (int i = 0; i < n; i++) printf(" [%llu %#x]", (unsigned long long)ev[i].data.u64, ev[i].events);
  printf("\n");
  return n;
}

static int ctl(int ep, int op, int fd, uint32_t events, uint64_t data) {
  struct epoll_event e = {.events = events, .data.u64 = data};
  return epoll_ctl(ep, op, fd, &e);
}

static void drain(int fd) {
  char buf[256];
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  while (read(fd, buf, sizeof buf) > 0) {
  }
  fcntl(fd, F_SETFL, fl);
}

static volatile int usr1;
static void on_usr1(int sig) { (void)sig; usr1++; }
static void on_alarm(int sig) { (void)sig; }

int main(void) {
  say("epoll_create1 bad flags", epoll_create1(1));
  int ep = epoll_create1(EPOLL_CLOEXEC);
  printf("F_GETFD %d F_GETFL %#x\n", fcntl(ep, F_GETFD), fcntl(ep, F_GETFL) & ~O_LARGEFILE);
  char link[64] = {0}, path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", ep);
  say("readlink", readlink(path, link, sizeof link - 1));
  printf("link %s\n", link);

  // Level-triggered over a pipe, an eventfd and a timerfd.
  int p[2];
  pipe(p);
  int efd = eventfd(0, EFD_NONBLOCK);
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  say("add pipe", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1));
  say("add eventfd", ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 2));
  say("add timerfd", ctl(ep, EPOLL_CTL_ADD, tfd, EPOLLIN, 3));
  show("nothing yet", ep, 8, 0);
  write(p[1], "ab", 2);
  show("pipe written", ep, 8, 0);
  show("level: again", ep, 8, 0);
  uint64_t one = 1;
  write(efd, &one, 8);
  show("eventfd too", ep, 8, 0);
  show("maxevents 1", ep, 1, 0);
  show("maxevents 1, the other's turn", ep, 1, 0);
  drain(p[0]);
  uint64_t v;
  read(efd, &v, 8);
  show("drained", ep, 8, 0);
  struct itimerspec t = {{0, 0}, {0, 50 * 1000 * 1000}};
  timerfd_settime(tfd, 0, &t, 0);
  long t0 = now_ms();
  show("timer, wait up to 5 s", ep, 8, 5000);
  printf("waited >= 40 ms: %d\n", now_ms() - t0 >= 40);
  read(tfd, &v, 8);
  t0 = now_ms();
  show("timeout 100 ms", ep, 8, 100);
  printf("waited >= 90 ms: %d\n", now_ms() - t0 >= 90);
  struct epoll_event evs[4];
  // (epoll_pwait2 is not here: qemu-riscv64 answers ENOSYS for it.)

  // Edge-triggered: once per write.
  say("mod pipe ET", ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLET, 1));
  write(p[1], "c", 1);
  show("ET written", ep, 8, 0);
  show("ET again", ep, 8, 0);
  write(p[1], "d", 1);
  show("ET written more", ep, 8, 0);
  drain(p[0]);
  // One-shot: once until MOD.
  say("mod eventfd ONESHOT", ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLONESHOT, 2));
  write(efd, &one, 8);
  show("oneshot", ep, 8, 0);
  show("oneshot again", ep, 8, 0);
  write(efd, &one, 8);
  show("oneshot, written again", ep, 8, 0);
  say("mod rearms", ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLONESHOT, 2));
  show("rearmed", ep, 8, 0);
  read(efd, &v, 8);
  say("del eventfd", ctl(ep, EPOLL_CTL_DEL, efd, 0, 0));
  say("del timerfd, NULL event", epoll_ctl(ep, EPOLL_CTL_DEL, tfd, NULL));

  // EPOLLOUT, EPOLLHUP, EPOLLERR on a second pipe.
  int q[2];
  pipe(q);
  say("add write end", ctl(ep, EPOLL_CTL_ADD, q[1], EPOLLOUT, 10));
  show("writable", ep, 8, 0);
  fcntl(q[1], F_SETFL, O_NONBLOCK);
  char blk[512] = {0};
  while (write(q[1], blk, sizeof blk) > 0) {
  }
  show("full", ep, 8, 0);
  drain(q[0]);
  show("drained", ep, 8, 0);
  say("add read end", ctl(ep, EPOLL_CTL_ADD, q[0], EPOLLIN | EPOLLRDHUP, 11));
  close(q[0]);
  show("reader closed: ERR", ep, 8, 0);
  int r2[2];
  pipe(r2);
  ctl(ep, EPOLL_CTL_DEL, q[1], 0, 0);
  close(q[1]);
  ctl(ep, EPOLL_CTL_ADD, r2[0], EPOLLIN, 12);
  close(r2[1]);
  show("writer closed: HUP", ep, 8, 0);
  close(r2[0]);
  show("closed: gone", ep, 8, 0);

  // The registration is on the open file: a dup keeps it alive.
  int a[2];
  pipe(a);
  say("add a", ctl(ep, EPOLL_CTL_ADD, a[0], EPOLLIN, 20));
  int dupfd = dup(a[0]);
  close(a[0]);
  write(a[1], "x", 1);
  show("closed fd, file open", ep, 8, 0);
  say("del closed fd", ctl(ep, EPOLL_CTL_DEL, a[0], 0, 0));
  say("del the dup", ctl(ep, EPOLL_CTL_DEL, dupfd, 0, 0));
  say("add the dup", ctl(ep, EPOLL_CTL_ADD, dupfd, EPOLLIN, 21));
  show("both", ep, 8, 0);
  close(dupfd);
  show("last close: both gone", ep, 8, 0);
  int b[2];
  pipe(b);  // takes a[0]'s number again
  printf("same number %d\n", b[0] == a[0]);
  say("add at the old number", ctl(ep, EPOLL_CTL_ADD, b[0], EPOLLIN, 22));
  close(a[1]);

  // Nested epolls.
  int inner = epoll_create1(0);
  int e2 = eventfd(0, 0);
  ctl(inner, EPOLL_CTL_ADD, e2, EPOLLIN, 30);
  say("add inner", ctl(ep, EPOLL_CTL_ADD, inner, EPOLLIN, 31));
  show("inner idle", ep, 8, 0);
  write(e2, &one, 8);
  show("inner ready", ep, 8, 0);
  say("add outer to inner: ELOOP", ctl(inner, EPOLL_CTL_ADD, ep, EPOLLIN, 0));
  say("add self: EINVAL", ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0));
  show("inner's own", inner, 8, 0);
  read(e2, &v, 8);
  show("inner drained", ep, 8, 0);

  // Shared across fork: a child waits on the parent's epoll.
  pid_t pid = fork();
  if (pid == 0) {
    struct epoll_event e;
    int n = epoll_wait(ep, &e, 1, 10000);
    _exit(n == 1 && e.data.u64 == 22 ? 0 : 1);
  }
  nap_ms(100);
  write(b[1], "y", 1);
  int status;
  waitpid(pid, &status, 0);
  printf("child saw the write: %d\n", WIFEXITED(status) && WEXITSTATUS(status) == 0);
  drain(b[0]);

  // A signal ends a wait: EINTR, even with SA_RESTART.
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, 0);
  alarm(1);
  show("wait, alarm", ep, 8, -1);
  // The sigmask argument blocks SIGUSR1 during the wait only.
  sa.sa_handler = on_usr1;
  sa.sa_flags = 0;
  sigaction(SIGUSR1, &sa, 0);
  sigset_t m;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  pid = fork();
  if (pid == 0) {
    nap_ms(50);
    kill(getppid(), SIGUSR1);
    _exit(0);
  }
  int n = epoll_pwait(ep, evs, 4, 300, &m);
  // (Whether the handler ran on the way out is not compared: qemu-user
  // holds the signal back, where Linux runs the handler at once.)
  printf("pwait, SIGUSR1 blocked: not interrupted = %d\n", n);
  sigset_t now_blocked;
  sigprocmask(SIG_BLOCK, NULL, &now_blocked);
  printf("SIGUSR1 blocked after: %d\n", sigismember(&now_blocked, SIGUSR1));
  waitpid(pid, 0, 0);
  say("pwait bad sigsetsize", syscall(SYS_epoll_pwait, ep, evs, 4, 0, &m, 4));

  // Bad input.
  int reg = open("/proc/self/exe", O_RDONLY);
  char self[128];
  if (reg < 0) reg = open(self_path("epoll_basic", self, sizeof self), O_RDONLY);
  say("add regular file: EPERM", ctl(ep, EPOLL_CTL_ADD, reg, EPOLLIN, 0));
  say("bad op", ctl(ep, 7, b[1], EPOLLIN, 0));
  say("bad op, regular file", ctl(ep, 7, reg, EPOLLIN, 0));
  say("bad epfd", ctl(99, EPOLL_CTL_ADD, b[1], EPOLLIN, 0));
  say("bad fd", ctl(ep, EPOLL_CTL_ADD, 99, EPOLLIN, 0));
  say("epfd a pipe", ctl(b[0], EPOLL_CTL_ADD, b[1], EPOLLIN, 0));
  say("add twice", ctl(ep, EPOLL_CTL_ADD, b[0], EPOLLIN, 0));
  say("mod unknown", ctl(ep, EPOLL_CTL_MOD, b[1], EPOLLIN, 0));
  say("del unknown", ctl(ep, EPOLL_CTL_DEL, b[1], 0, 0));
  say("add NULL event", epoll_ctl(ep, EPOLL_CTL_ADD, b[1], NULL));
  say("exclusive add", ctl(ep, EPOLL_CTL_ADD, b[1], EPOLLOUT | EPOLLEXCLUSIVE, 40));
  say("exclusive mod", ctl(ep, EPOLL_CTL_MOD, b[1], EPOLLOUT | EPOLLEXCLUSIVE, 40));
  say("mod an exclusive entry", ctl(ep, EPOLL_CTL_MOD, b[1], EPOLLOUT, 40));
  say("exclusive + oneshot", ctl(ep, EPOLL_CTL_ADD, e2, EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 0));
  say("exclusive on an epoll", ctl(ep, EPOLL_CTL_ADD, inner, EPOLLIN | EPOLLEXCLUSIVE, 0));
  show("exclusive entry reports", ep, 8, 0);
  say("wait maxevents 0", epoll_wait(ep, evs, 0, 0));
  say("wait maxevents -1", syscall(SYS_epoll_pwait, ep, evs, -1, 0, NULL, 8));
  say("wait bad epfd", epoll_wait(99, evs, 1, 0));
  say("wait on a pipe", epoll_wait(b[0], evs, 1, 0));
  say("wait EFAULT", syscall(SYS_epoll_pwait, ep, (void*)8, 1, 0, NULL, 8));
  char c8[8];
  say("read epoll", read(ep, c8, 8));
  say("write epoll", write(ep, c8, 8));

  close(reg);
  close(inner);
  close(e2);
  close(b[0]);
  close(b[1]);
  close(p[0]);
  close(p[1]);
  close(efd);
  close(tfd);
  close(ep);
  return 0;
}
