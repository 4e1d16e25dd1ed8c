// POSIX message queues, one process: names and their errors, attributes
// and their limits, priority order, EMSGSIZE, O_NONBLOCK, bad descriptors
// and pointers, mq_getsetattr, fstat and read of the descriptor, unlink
// while open, timeouts, permissions as another user, RLIMIT_MSGQUEUE.
// Names carry the pid: qemu-riscv64 uses the host's one namespace.
#include "ld.h"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static char names[8][300];
static int mypid;  // the parent's, in children too

static const char* qname(int i) {
  snprintf(names[i], sizeof names[i], "/ld_mq_basic_%d_%d", mypid, i);
  return names[i];
}

static void attr(const char* what, mqd_t q) {
  struct mq_attr a;
  if (mq_getattr(q, &a) != 0) {
    printf("%s: getattr -1 %s\n", what, strerrorname_np(errno));
    return;
  }
  printf("%s: flags %#lx maxmsg %ld msgsize %ld curmsgs %ld\n", what, a.mq_flags, a.mq_maxmsg,
         a.mq_msgsize, a.mq_curmsgs);
}

static void recv1(const char* what, mqd_t q, size_t cap) {
  char buf[16384];
  unsigned prio = 99;
  ssize_t r = mq_receive(q, buf, cap, &prio);
  if (r < 0) {
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
    return;
  }
  printf("%s = %zd prio %u '%.*s'\n", what, r, prio, (int)r, buf);
}

static mqd_t open_attr(const char* name, int oflag, long maxmsg, long msgsize) {
  struct mq_attr a = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
  return mq_open(name, oflag, 0600, &a);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);  // children print, then _exit
  umask(022);
  mypid = getpid();
  for (int i = 0; i < 8; i++) mq_unlink(qname(i));

  // Names.
  say("open missing", mq_open(qname(0), O_RDWR));
  say("open no slash", mq_open("ld_mq_noslash", O_RDWR | O_CREAT, 0600, NULL));
  say("open \"/\"", mq_open("/", O_RDWR | O_CREAT, 0600, NULL));
  say("open \"/.\"", mq_open("/.", O_RDWR | O_CREAT, 0600, NULL));
  say("open \"/..\"", mq_open("/..", O_RDWR | O_CREAT, 0600, NULL));
  say("open \"/a/b\"", mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL));
  char longname[300];
  snprintf(longname, sizeof longname, "/%d_", (int)getpid());
  size_t l = strlen(longname);
  memset(longname + l, 'x', 256 - l);
  longname[256] = 0;  // 255 bytes after the '/'
  mqd_t q = mq_open(longname, O_RDWR | O_CREAT, 0600, NULL);
  say("open 255-byte name", q >= 0 ? 0 : -1);
  if (q >= 0) mq_close(q);
  say("unlink 255-byte name", mq_unlink(longname));
  longname[256] = 'x';
  longname[257] = 0;
  say("open 256-byte name", mq_open(longname, O_RDWR | O_CREAT, 0600, NULL));
  say("unlink missing", mq_unlink(qname(0)));
  say("unlink \"/a/b\"", mq_unlink("/a/b"));
  say("mq_open bad name pointer", syscall(SYS_mq_open, (char*)8, O_RDWR, 0, NULL));
  say("mq_open bad attr pointer",
      syscall(SYS_mq_open, qname(0) + 1, O_RDWR | O_CREAT, 0600, (void*)8));

  // Attributes.
  q = mq_open(qname(0), O_RDWR | O_CREAT, 0640, NULL);
  say("create default", q >= 0 ? 0 : -1);
  attr("default", q);
  say("open O_CREAT existing", mq_open(qname(0), O_RDWR | O_CREAT, 0600, NULL) >= 0 ? 0 : -1);
  say("open O_EXCL existing", mq_open(qname(0), O_RDWR | O_CREAT | O_EXCL, 0600, NULL));
  say("open existing O_ACCMODE 3", mq_open(qname(0), 3));
  say("maxmsg 0", open_attr(qname(1), O_RDWR | O_CREAT, 0, 64));
  say("maxmsg -1", open_attr(qname(1), O_RDWR | O_CREAT, -1, 64));
  say("msgsize 0", open_attr(qname(1), O_RDWR | O_CREAT, 4, 0));
  say("maxmsg 65537", open_attr(qname(1), O_RDWR | O_CREAT, 65537, 64));
  say("msgsize 16M+1", open_attr(qname(1), O_RDWR | O_CREAT, 1, 16 * 1024 * 1024 + 1));
  mqd_t q1 = open_attr(qname(1), O_RDWR | O_CREAT, 3, 32);
  say("create 3 x 32", q1 >= 0 ? 0 : -1);
  attr("3 x 32", q1);
  say("attr ignored without O_CREAT", (q = open_attr(qname(0), O_RDWR, 1, 1)) >= 0 ? 0 : -1);
  attr("reopened", q);
  struct stat st;
  say("fstat", fstat(q1, &st));
  printf("reg %d mode %o size %lld nlink %d\n", S_ISREG(st.st_mode), st.st_mode & 07777,
         (long long)st.st_size, (int)st.st_nlink);
  say("cloexec", fcntl(q1, F_GETFD));
  say("getfl", fcntl(q1, F_GETFL) & (O_ACCMODE | O_NONBLOCK));

  // Order: highest priority first, FIFO within one.
  const char* msgs[] = {"a1", "b5", "c3", "d5", "e0", "f3"};
  const unsigned prios[] = {1, 5, 3, 5, 0, 3};
  mqd_t q2 = open_attr(qname(2), O_RDWR | O_CREAT | O_NONBLOCK, 6, 64);
  for (int i = 0; i < 6; i++) say("send", mq_send(q2, msgs[i], 2, prios[i]));
  say("send full", mq_send(q2, "zz", 2, 9));
  attr("full", q2);
  char status[200] = {0};
  say("read status", read(q2, status, sizeof status - 1));
  printf("%s", status);
  say("read again", read(q2, status, sizeof status));
  say("lseek 0", lseek(q2, 0, SEEK_SET));
  say("read 6", read(q2, status, 6));
  say("write", write(q2, "x", 1));
  for (int i = 0; i < 6; i++) recv1("receive", q2, 64);
  recv1("receive empty", q2, 64);
  say("send empty message", mq_send(q2, "", 0, 7));
  recv1("receive empty message", q2, 64);

  // Sizes, priorities, descriptors.
  say("send 33 bytes to 32", mq_send(q1, "123456789012345678901234567890123", 33, 0));
  say("send 32 bytes", mq_send(q1, "12345678901234567890123456789012", 32, 0));
  recv1("receive into 31", q1, 31);
  recv1("receive into 32", q1, 32);
  say("send prio 32767", mq_send(q1, "p", 1, 32767));
  say("send prio 32768", mq_send(q1, "p", 1, 32768));
  recv1("receive", q1, 32);
  mqd_t ro = mq_open(qname(1), O_RDONLY);
  mqd_t wo = mq_open(qname(1), O_WRONLY);
  say("send on O_RDONLY", mq_send(ro, "x", 1, 0));
  say("send on O_WRONLY", mq_send(wo, "x", 1, 0));
  recv1("receive on O_WRONLY", wo, 32);
  recv1("receive on O_RDONLY", ro, 32);
  say("read on O_WRONLY", read(wo, status, 10));
  int p[2];
  pipe(p);
  say("send on a pipe", mq_send(p[1], "x", 1, 0));
  say("send on fd 999", mq_send(999, "x", 1, 0));
  say("getattr on a pipe", mq_getattr(p[0], &(struct mq_attr){0}));
  say("notify on a pipe", mq_notify(p[0], NULL));
  say("send bad buffer", mq_send(q1, (char*)8, 4, 0));
  say("send prio 32768 bad fd", mq_send(999, "x", 1, 32768));
  say("send 0 bytes bad buffer", syscall(SYS_mq_timedsend, q1, NULL, 0, 1, NULL));
  recv1("receive it", q1, 32);
  mq_send(q1, "lost", 4, 0);
  say("receive bad buffer", mq_receive(q1, (char*)8, 32, NULL));
  attr("after it", q1);
  mq_send(q1, "lost2", 5, 0);
  say("receive bad prio pointer", syscall(SYS_mq_timedreceive, q1, status, 32, (void*)8, NULL));
  attr("after it", q1);

  // mq_getsetattr.
  struct mq_attr na = {.mq_flags = O_NONBLOCK, .mq_maxmsg = 99, .mq_msgsize = 99, .mq_curmsgs = 99}, oa;
  say("setattr NONBLOCK", mq_setattr(q1, &na, &oa));
  printf("old flags %#lx maxmsg %ld\n", oa.mq_flags, oa.mq_maxmsg);
  attr("now", q1);
  say("getfl now", fcntl(q1, F_GETFL) & O_NONBLOCK);
  recv1("receive nonblock", q1, 32);
  na.mq_flags = O_NONBLOCK | O_APPEND;
  say("setattr O_APPEND", mq_setattr(q1, &na, NULL));
  na.mq_flags = 0;
  say("setattr 0", mq_setattr(q1, &na, NULL));
  attr("now", q1);
  say("getsetattr bad new", syscall(SYS_mq_getsetattr, q1, (void*)8, NULL));
  say("getsetattr bad old", syscall(SYS_mq_getsetattr, q1, NULL, (void*)8));
  say("getsetattr neither", syscall(SYS_mq_getsetattr, q1, NULL, NULL));

  // Timeouts.
  struct timespec ts = abs_after(CLOCK_REALTIME, 100);
  long t0 = now_ms();
  say("timedreceive empty", mq_timedreceive(q1, status, 32, NULL, &ts));
  long dt = now_ms() - t0;
  printf("waited >= 90 ms: %d\n", dt >= 90);
  ts.tv_sec = 0;
  ts.tv_nsec = 0;
  say("timedreceive past deadline", mq_timedreceive(q1, status, 32, NULL, &ts));
  ts.tv_nsec = 1000000000;
  say("timedreceive bad nsec, empty", mq_timedreceive(q1, status, 32, NULL, &ts));
  mq_send(q1, "t", 1, 0);
  say("timedreceive bad nsec, queued", mq_timedreceive(q1, status, 32, NULL, &ts));
  ts.tv_sec = -1;
  ts.tv_nsec = 0;
  say("timedsend negative sec, room", mq_timedsend(q1, "u", 1, 0, &ts));
  say("timedsend bad timespec pointer", syscall(SYS_mq_timedsend, q1, "u", 1, 0, (void*)8));
  recv1("receive the queued one", q1, 32);
  for (int i = 0; i < 3; i++) mq_send(q1, "f", 1, 0);
  attr("before full timedsend", q1);
  ts = abs_after(CLOCK_REALTIME, 50);
  say("timedsend full", mq_timedsend(q1, "v", 1, 0, &ts));
  ts.tv_sec = 0;
  say("timedsend full, past", mq_timedsend(q1, "v", 1, 0, &ts));
  ts.tv_nsec = -1;
  say("timedsend full, bad nsec", mq_timedsend(q1, "v", 1, 0, &ts));

  // Unlink while open: the name goes, the descriptors keep the queue.
  say("unlink", mq_unlink(qname(2)));
  say("open unlinked", mq_open(qname(2), O_RDWR));
  say("send after unlink", mq_send(q2, "still", 5, 1));
  recv1("receive after unlink", q2, 64);
  say("unlink again", mq_unlink(qname(2)));
  mqd_t q2b = open_attr(qname(2), O_RDWR | O_CREAT | O_NONBLOCK, 2, 64);
  attr("new queue, same name", q2b);
  recv1("receive from the new one", q2b, 64);
  attr("old one", q2);

  // Another user: mode bits and the sticky directory's unlink rule.
  mqd_t q3 = open_attr(qname(3), O_RDWR | O_CREAT, 4, 64);
  mq_close(q3);
  mqd_t q4 = mq_open(qname(4), O_RDWR | O_CREAT, 0604, NULL);
  mq_close(q4);
  pid_t c = fork();
  if (c == 0) {
    if (setgid(1000) != 0 || setuid(1000) != 0) _exit(9);
    say("user: open 0600 O_RDONLY", mq_open(qname(3), O_RDONLY));
    say("user: open 0604 O_RDONLY", mq_open(qname(4), O_RDONLY) >= 0 ? 0 : -1);
    say("user: open 0604 O_WRONLY", mq_open(qname(4), O_WRONLY));
    say("user: open 0604 O_RDWR", mq_open(qname(4), O_RDWR));
    say("user: unlink root's", mq_unlink(qname(3)));
    say("user: raw unlink root's", syscall(SYS_mq_unlink, qname(3) + 1));
    say("user: maxmsg 11", open_attr(qname(5), O_RDWR | O_CREAT, 11, 64));
    say("user: msgsize 8193", open_attr(qname(5), O_RDWR | O_CREAT, 1, 8193));
    mqd_t u = open_attr(qname(5), O_RDWR | O_CREAT, 10, 8192);
    say("user: create 10 x 8192", u >= 0 ? 0 : -1);
    say("user: unlink own", mq_unlink(qname(5)));
    _exit(0);
  }
  int status_w;
  waitpid(c, &status_w, 0);
  printf("user child: exit %d\n", WEXITSTATUS(status_w));

  // RLIMIT_MSGQUEUE, in a child: 0 leaves room for no queue.
  c = fork();
  if (c == 0) {
    struct rlimit rl;
    getrlimit(RLIMIT_MSGQUEUE, &rl);
    printf("RLIMIT_MSGQUEUE %llu %llu\n", (unsigned long long)rl.rlim_cur,
           (unsigned long long)rl.rlim_max);
    rl.rlim_cur = 0;
    setrlimit(RLIMIT_MSGQUEUE, &rl);
    say("create at rlimit 0", open_attr(qname(6), O_RDWR | O_CREAT, 1, 128));
    say("open existing at rlimit 0", mq_open(qname(0), O_RDWR) >= 0 ? 0 : -1);
    _exit(0);
  }
  waitpid(c, &status_w, 0);

  for (int i = 0; i < 8; i++) mq_unlink(qname(i));
  return 0;
}
