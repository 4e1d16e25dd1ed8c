// POSIX message queues between processes and threads: a fork child
// inherits the descriptors, a blocked receiver and a blocked sender are
// woken from another process, a signal interrupts a wait (EINTR without
// SA_RESTART, restarted with it), exec closes the descriptors, poll,
// select and epoll see readiness, and threads send and receive at once.
#include "ld.h"

#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/wait.h>

static char names[4][64];
static int mypid;

static const char* qname(int i) {
  snprintf(names[i], sizeof names[i], "/ld_mq_ipc_%d_%d", mypid, i);
  return names[i];
}

static mqd_t open_attr(const char* name, int oflag, long maxmsg, long msgsize) {
  struct mq_attr a = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
  return mq_open(name, oflag, 0600, &a);
}

static void recv1(const char* what, mqd_t q) {
  char buf[64];
  unsigned prio = 99;
  ssize_t r = mq_receive(q, buf, sizeof buf, &prio);
  if (r < 0)
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s = %zd prio %u '%.*s'\n", what, r, prio, (int)r, buf);
}

static void pl(const char* what, mqd_t q) {
  struct pollfd p = {q, POLLIN | POLLOUT, 0};
  int r = poll(&p, 1, 0);
  printf("%s = %d revents %#x\n", what, r, p.revents);
}

static void waitchild(const char* what, pid_t c) {
  int st;
  waitpid(c, &st, 0);
  printf("%s: exit %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st));
}

static void on_sig(int sig) { (void)sig; }

// Threads: each sender sends kPerThread messages, each receiver takes
// kPerThread; the sums must match.
enum { kThreads = 4, kPerThread = 400 };
static mqd_t tq;
static long sent_sum, recv_sum;

static void* sender(void* arg) {
  long base = (long)arg * 100000, sum = 0;
  for (long i = 0; i < kPerThread; i++) {
    long v = base + i;
    if (mq_send(tq, (char*)&v, sizeof v, (unsigned)(i % 4)) != 0) return (void*)1;
    sum += v;
  }
  __atomic_add_fetch(&sent_sum, sum, __ATOMIC_RELAXED);
  return NULL;
}

static void* receiver(void* arg) {
  (void)arg;
  long sum = 0;
  for (long i = 0; i < kPerThread; i++) {
    long v;
    if (mq_receive(tq, (char*)&v, sizeof v, NULL) != sizeof v) return (void*)1;
    sum += v;
  }
  __atomic_add_fetch(&recv_sum, sum, __ATOMIC_RELAXED);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc > 1) {
    // After exec: the descriptor number the parent had is closed.
    struct mq_attr a;
    say("after exec: getattr", mq_getattr(atoi(argv[1]), &a));
    return 0;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  mypid = getpid();
  for (int i = 0; i < 4; i++) mq_unlink(qname(i));

  // Fork inherits the descriptor: the child sends, the parent receives.
  mqd_t q = open_attr(qname(0), O_RDWR | O_CREAT, 2, 64);
  pid_t c = fork();
  if (c == 0) {
    say("child: send", mq_send(q, "from child", 10, 3));
    _exit(0);
  }
  waitchild("sender child", c);
  recv1("parent: receive", q);

  // A receiver blocked in the child, woken by the parent's send.
  c = fork();
  if (c == 0) {
    recv1("child: blocked receive", q);
    _exit(0);
  }
  nap_ms(50);
  long r = mq_send(q, "wake", 4, 1);
  waitchild("receiver child", c);  // then print: the child's line first
  say("parent: send", r);

  // A sender blocked on a full queue, woken by a receive.
  mq_send(q, "one", 3, 0);
  mq_send(q, "two", 3, 0);
  c = fork();
  if (c == 0) {
    say("child: blocked send", mq_send(q, "three", 5, 0));
    _exit(0);
  }
  nap_ms(50);
  char first[64];
  r = mq_receive(q, first, sizeof first, NULL);
  waitchild("sender child", c);
  printf("parent: receive = %ld '%.*s'\n", r, (int)(r > 0 ? r : 0), first);
  recv1("parent: receive", q);
  recv1("parent: receive", q);

  // A signal: EINTR without SA_RESTART, a restart with it.
  struct sigaction sa = {0};
  sa.sa_handler = on_sig;
  sigaction(SIGUSR1, &sa, NULL);
  c = fork();
  if (c == 0) {
    recv1("child: receive, no SA_RESTART", q);
    _exit(0);
  }
  nap_ms(50);
  kill(c, SIGUSR1);
  waitchild("interrupted child", c);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  c = fork();
  if (c == 0) {
    recv1("child: receive, SA_RESTART", q);
    _exit(0);
  }
  nap_ms(50);
  kill(c, SIGUSR1);
  nap_ms(50);
  r = mq_send(q, "restarted", 9, 2);
  waitchild("restarted child", c);
  say("parent: send", r);
  sa.sa_flags = 0;
  sigaction(SIGUSR1, &sa, NULL);
  // A timed wait interrupted: EINTR too.
  c = fork();
  if (c == 0) {
    struct timespec ts = abs_after(CLOCK_REALTIME, 5000);
    say("child: timedsend, full, signal", (mq_send(q, "a", 1, 0), mq_send(q, "b", 1, 0),
                                            mq_timedsend(q, "c", 1, 0, &ts)));
    _exit(0);
  }
  nap_ms(100);
  kill(c, SIGUSR1);
  waitchild("interrupted sender", c);
  recv1("drain", q);
  recv1("drain", q);

  // exec closes it (mq descriptors are close-on-exec).
  fflush(stdout);
  c = fork();
  if (c == 0) {
    char self[256], fdtext[16];
    snprintf(fdtext, sizeof fdtext, "%d", q);
    execl(self_path(argv[0], self, sizeof self), argv[0], fdtext, (char*)NULL);
    _exit(127);
  }
  waitchild("exec child", c);

  // Readiness: poll, select, epoll.
  pl("poll empty", q);
  mq_send(q, "x", 1, 0);
  pl("poll one", q);
  mq_send(q, "y", 1, 0);
  pl("poll full", q);
  fd_set rs, ws;
  FD_ZERO(&rs);
  FD_ZERO(&ws);
  FD_SET(q, &rs);
  FD_SET(q, &ws);
  struct timeval tv = {0, 0};
  say("select full", select(q + 1, &rs, &ws, NULL, &tv));
  printf("readable %d writable %d\n", FD_ISSET(q, &rs) != 0, FD_ISSET(q, &ws) != 0);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u32 = 7};
  say("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev));
  struct epoll_event out[2];
  int n = epoll_wait(ep, out, 2, 0);
  printf("epoll_wait = %d events %#x data %u\n", n, n > 0 ? out[0].events : 0,
         n > 0 ? out[0].data.u32 : 0);
  say("epoll_wait again (edge)", epoll_wait(ep, out, 2, 0));
  recv1("receive", q);
  recv1("receive", q);
  pl("poll drained", q);
  // A poller woken by another process's send.
  c = fork();
  if (c == 0) {
    nap_ms(50);
    mq_send(q, "z", 1, 0);
    _exit(0);
  }
  struct pollfd p = {q, POLLIN, 0};
  r = poll(&p, 1, 5000);
  printf("poll woken = %ld revents %#x\n", r, p.revents);
  n = epoll_wait(ep, out, 2, 5000);
  printf("epoll_wait woken = %d events %#x\n", n, n > 0 ? out[0].events : 0);
  waitchild("poke child", c);
  recv1("receive", q);
  close(ep);

  // dup and close: a dup'd descriptor keeps working after the first closes.
  mqd_t d = dup(q);
  say("close original", mq_close(q));
  say("send on dup", mq_send(d, "dup", 3, 0));
  recv1("receive on dup", d);
  mq_close(d);

  // Threads at once.
  tq = open_attr(qname(1), O_RDWR | O_CREAT, 8, sizeof(long));
  pthread_t th[2 * kThreads];
  for (long i = 0; i < kThreads; i++) pthread_create(&th[i], NULL, receiver, NULL);
  for (long i = 0; i < kThreads; i++) pthread_create(&th[kThreads + i], NULL, sender, (void*)i);
  long bad = 0;
  for (int i = 0; i < 2 * kThreads; i++) {
    void* rv;
    pthread_join(th[i], &rv);
    bad += rv != NULL;
  }
  printf("threads: failures %ld, sums equal %d\n", bad, sent_sum == recv_sum && sent_sum != 0);
  struct mq_attr a;
  mq_getattr(tq, &a);
  printf("threads: left %ld\n", a.mq_curmsgs);

  for (int i = 0; i < 4; i++) mq_unlink(qname(i));
  return 0;
}
