// mq_notify: SIGEV_SIGNAL's siginfo (SI_MESGQ, the sender's pid and uid,
// sigev_value), one registration per queue (EBUSY), removal with NULL by
// its owner only, firing only on an empty queue with no receiver waiting
// and only once, SIGEV_NONE, the owner's close and exit ending it, bad
// sigevents, and SIGEV_THREAD's raw socket checks (glibc's SIGEV_THREAD
// needs netlink: not here). The signal is blocked and taken with
// sigtimedwait, so nothing depends on when a handler would run.
#include "ld.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static char name[64];

static void take(const char* what, pid_t sender) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigaddset(&s, SIGUSR2);
  struct timespec zero = {0, 0};
  siginfo_t si;
  int sig = sigtimedwait(&s, &si, &zero);
  if (sig < 0) {
    printf("%s: no signal (%s)\n", what, strerrorname_np(errno));
    return;
  }
  printf("%s: signal %d code %d (SI_MESGQ %d) pid ok %d uid %d value %d\n", what, sig, si.si_code,
         si.si_code == SI_MESGQ, si.si_pid == sender, (int)si.si_uid, si.si_value.sival_int);
}

static int reg(mqd_t q, int how, int sig, int value) {
  struct sigevent ev = {0};
  ev.sigev_notify = how;
  ev.sigev_signo = sig;
  ev.sigev_value.sival_int = value;
  return mq_notify(q, &ev);
}

static void waitchild(const char* what, pid_t c) {
  int st;
  waitpid(c, &st, 0);
  printf("%s: exit %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st));
}

static void drain(mqd_t q) {
  char buf[64];
  struct mq_attr a;
  mq_getattr(q, &a);
  for (long i = 0; i < a.mq_curmsgs; i++) mq_receive(q, buf, sizeof buf, NULL);
}

static void status(const char* what, mqd_t q) {
  char text[128] = {0};
  lseek(q, 0, SEEK_SET);
  read(q, text, sizeof text - 1);
  unsigned long qsize = 0;
  int notify = -1, signo = -1, pid = -1;
  sscanf(text, "QSIZE:%lu NOTIFY:%d SIGNO:%d NOTIFY_PID:%d", &qsize, &notify, &signo, &pid);
  printf("%s: QSIZE %lu NOTIFY %d SIGNO %d pid is mine %d\n", what, qsize, notify, signo,
         pid == getpid());
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  snprintf(name, sizeof name, "/ld_mq_notify_%d", (int)getpid());
  mq_unlink(name);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigaddset(&s, SIGUSR2);
  sigprocmask(SIG_BLOCK, &s, NULL);
  struct mq_attr a = {.mq_maxmsg = 4, .mq_msgsize = 64};
  mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_NONBLOCK, 0600, &a);
  const pid_t me = getpid();

  // The basic case: a send on the empty queue fires once, then the
  // registration is gone.
  say("register SIGUSR1 42", reg(q, SIGEV_SIGNAL, SIGUSR1, 42));
  status("registered", q);
  say("register again", reg(q, SIGEV_SIGNAL, SIGUSR2, 1));
  say("send", mq_send(q, "a", 1, 0));
  take("first send", me);
  status("after firing", q);
  say("send", mq_send(q, "b", 1, 0));
  take("second send", me);
  drain(q);

  // Only an empty queue fires.
  mq_send(q, "c", 1, 0);
  say("register on a non-empty queue", reg(q, SIGEV_SIGNAL, SIGUSR1, 43));
  mq_send(q, "d", 1, 0);
  take("send to a non-empty queue", me);
  drain(q);
  mq_send(q, "e", 1, 0);
  take("send to the drained queue", me);
  drain(q);

  // A child's send: si_pid is the child's; the child cannot register
  // while the parent is, nor remove the parent's registration.
  say("register SIGUSR2 44", reg(q, SIGEV_SIGNAL, SIGUSR2, 44));
  pid_t c = fork();
  if (c == 0) {
    say("child: register", reg(q, SIGEV_SIGNAL, SIGUSR1, 1));
    say("child: remove (not the owner)", mq_notify(q, NULL));
    say("child: register again", reg(q, SIGEV_SIGNAL, SIGUSR1, 1));
    say("child: send", mq_send(q, "f", 1, 0));
    _exit(0);
  }
  waitchild("child", c);
  take("child's send", c);
  drain(q);

  // A receiver waiting takes the message; no notification, and the
  // registration stays.
  struct mq_attr blocking = {0};
  mq_setattr(q, &blocking, NULL);
  say("register SIGUSR1 45", reg(q, SIGEV_SIGNAL, SIGUSR1, 45));
  c = fork();
  if (c == 0) {
    char buf[64];
    say("child: blocked receive", mq_receive(q, buf, sizeof buf, NULL));
    _exit(0);
  }
  nap_ms(100);
  long r = mq_send(q, "g", 1, 0);
  waitchild("receiver", c);  // then print: the child's line first
  say("send to a waiting receiver", r);
  take("after the receiver took it", me);
  say("register (still registered?)", reg(q, SIGEV_SIGNAL, SIGUSR1, 46));
  // Removal by its owner.
  say("remove", mq_notify(q, NULL));
  say("remove again", mq_notify(q, NULL));
  mq_send(q, "h", 1, 0);
  take("send after removal", me);
  drain(q);

  // SIGEV_NONE holds the registration, fires nothing, then goes.
  say("register SIGEV_NONE", reg(q, SIGEV_NONE, 0, 0));
  status("SIGEV_NONE", q);
  say("register SIGUSR1 over it", reg(q, SIGEV_SIGNAL, SIGUSR1, 47));
  mq_send(q, "i", 1, 0);
  take("SIGEV_NONE send", me);
  say("register after it fired", reg(q, SIGEV_SIGNAL, SIGUSR1, 48));
  mq_notify(q, NULL);
  drain(q);
  // Signal 0: accepted, nothing sent, and it goes when a message comes.
  say("register signal 0", reg(q, SIGEV_SIGNAL, 0, 0));
  mq_send(q, "j", 1, 0);
  take("signal 0 send", me);
  say("register after signal 0 fired", reg(q, SIGEV_SIGNAL, SIGUSR1, 49));
  mq_notify(q, NULL);
  drain(q);

  // The owner's close of any descriptor on the queue ends it; so does
  // its exit.
  mqd_t q2 = mq_open(name, O_RDWR);
  say("register on the second descriptor", reg(q2, SIGEV_SIGNAL, SIGUSR1, 50));
  say("close the first", mq_close(q));
  say("register after the close", reg(q2, SIGEV_SIGNAL, SIGUSR1, 51));
  mq_notify(q2, NULL);
  q = q2;
  c = fork();
  if (c == 0) {
    say("child: register", reg(q, SIGEV_SIGNAL, SIGUSR1, 52));
    _exit(0);
  }
  waitchild("registering child", c);
  say("register after the child exited", reg(q, SIGEV_SIGNAL, SIGUSR1, 53));
  mq_notify(q, NULL);

  // Bad sigevents and descriptors.
  say("sigev_notify 99", reg(q, 99, SIGUSR1, 0));
  say("signo 65", reg(q, SIGEV_SIGNAL, 65, 0));
  say("signo -1", reg(q, SIGEV_SIGNAL, -1, 0));
  say("signo 65, SIGEV_NONE", reg(q, SIGEV_NONE, 65, 0));
  say("bad fd", reg(999, SIGEV_SIGNAL, SIGUSR1, 0));
  say("bad sigevent pointer", syscall(SYS_mq_notify, q, (void*)8));
  say("remove, bad fd", mq_notify(999, NULL));
  // SIGEV_THREAD through the raw call: a cookie, then a netlink socket.
  char cookie[32] = {0};
  int p[2];
  pipe(p);
  struct sigevent ev = {0};
  ev.sigev_notify = SIGEV_THREAD;
  ev.sigev_value.sival_ptr = cookie;
  ev.sigev_signo = 999;
  say("raw SIGEV_THREAD, bad socket fd", syscall(SYS_mq_notify, q, &ev));
  ev.sigev_signo = p[0];
  say("raw SIGEV_THREAD, a pipe", syscall(SYS_mq_notify, q, &ev));
  ev.sigev_value.sival_ptr = (void*)8;
  say("raw SIGEV_THREAD, bad cookie", syscall(SYS_mq_notify, q, &ev));

  mq_unlink(name);
  return 0;
}
