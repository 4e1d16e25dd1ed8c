// SCM_RIGHTS and SCM_CREDENTIALS over socketpair(AF_UNIX): descriptors
// arrive under new numbers on the same open files, MSG_CMSG_CLOEXEC, a
// control buffer too small (MSG_CTRUNC, the rest closed), a stream read
// ending at a message with descriptors, MSG_PEEK, files in flight released
// when the sockets close, a forked child receiving, credentials, and the
// errors of a malformed control buffer.
#include "ld.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

// Sends `data` with n descriptors (n may be 0).
static long send_fds(int s, const char* data, size_t len, const int* fds, int n) {
  struct iovec v = {(void*)data, len};
  union {
    char buf[CMSG_SPACE(sizeof(int) * 8)];
    struct cmsghdr align;
  } u;
  struct msghdr m = {0};
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  if (n > 0) {
    m.msg_control = u.buf;
    m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
    struct cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
  }
  return sendmsg(s, &m, 0);
}

// Receives into buf; the descriptors into fds (up to *n); prints what came.
static long recv_fds(const char* what, int s, int* fds, int* n, size_t ctl_room, int flags) {
  char buf[64] = {0};
  struct iovec v = {buf, sizeof buf - 1};
  union {
    char buf[512];
    struct cmsghdr align;
  } u;
  struct msghdr m = {0};
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  m.msg_control = ctl_room ? u.buf : NULL;
  m.msg_controllen = ctl_room;
  long r = recvmsg(s, &m, flags);
  int got = 0;
  if (r < 0) {
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
    *n = 0;
    return r;
  }
  printf("%s = %ld \"%s\" flags %#x controllen %zu", what, r, buf, m.msg_flags,
         (size_t)m.msg_controllen);
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    printf(" [level %d type %d len %zu]", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len);
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (int i = 0; i < k && got < *n; i++) memcpy(&fds[got++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    }
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      struct ucred uc;
      memcpy(&uc, CMSG_DATA(c), sizeof uc);
      printf(" cred mine %d uid %u gid %u", uc.pid == getpid(), uc.uid, uc.gid);
    }
  }
  printf(" fds %d\n", got);
  *n = got;
  return r;
}

static int is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

// Reads the pipe to its end: data then EOF when every writer is gone.
static void pipe_says(const char* what, int rfd) {
  char b[32] = {0};
  long n = read(rfd, b, sizeof b - 1);
  printf("%s: read = %ld \"%s\"\n", what, n, n > 0 ? b : "");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  int sv[2], p[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  if (pipe(p) < 0) return 1;

  // One descriptor: a new number on the same pipe.
  say("send pipe write end", send_fds(sv[0], "fd", 2, &p[1], 1));
  int got[8], n = 8;
  recv_fds("recvmsg", sv[1], got, &n, 512, 0);
  printf("new number %d open %d cloexec %d\n", n == 1 && got[0] != p[1], n == 1 && is_open(got[0]),
         n == 1 ? fcntl(got[0], F_GETFD) : -1);
  struct stat a, b;
  fstat(p[1], &a);
  fstat(got[0], &b);
  printf("same pipe %d\n", a.st_ino == b.st_ino);
  say("write through it", write(got[0], "via", 3));
  pipe_says("pipe", p[0]);
  close(got[0]);

  // Three at once, MSG_CMSG_CLOEXEC.
  int three[3] = {p[0], p[1], sv[0]};
  say("send three", send_fds(sv[0], "3", 1, three, 3));
  n = 8;
  recv_fds("recvmsg CMSG_CLOEXEC", sv[1], got, &n, 512, MSG_CMSG_CLOEXEC);
  for (int i = 0; i < n; i++) {
    printf("  fd %d cloexec %d\n", i, fcntl(got[i], F_GETFD));
    close(got[i]);
  }

  // Room for two of four: MSG_CTRUNC; the other two are closed.
  int w1 = dup(p[1]), w2 = dup(p[1]);
  int four[4] = {w1, w2, p[1], p[1]};
  say("send four", send_fds(sv[0], "4", 1, four, 4));
  close(w1);
  close(w2);
  n = 8;
  recv_fds("recvmsg room for 2", sv[1], got, &n, CMSG_SPACE(2 * sizeof(int)), 0);
  for (int i = 0; i < n; i++) close(got[i]);
  say("send one", send_fds(sv[0], "x", 1, &p[1], 1));
  n = 8;
  recv_fds("recvmsg no control", sv[1], got, &n, 0, 0);
  n = 8;
  recv_fds("recvmsg control 10 bytes", sv[1], got, &n, 10, MSG_DONTWAIT);
  say("send one", send_fds(sv[0], "y", 1, &p[1], 1));
  n = 8;
  recv_fds("recvmsg control 10 bytes", sv[1], got, &n, 10, 0);

  // A stream read stops after the piece that carried descriptors.
  say("send aa", send(sv[0], "aa", 2, 0));
  say("send bb+fd", send_fds(sv[0], "bb", 2, &p[1], 1));
  say("send cc", send(sv[0], "cc", 2, 0));
  n = 8;
  recv_fds("recvmsg PEEK", sv[1], got, &n, 512, MSG_PEEK);
  printf("  peeked fd open %d\n", n == 1 && is_open(got[0]));
  if (n == 1) close(got[0]);
  n = 8;
  recv_fds("recvmsg", sv[1], got, &n, 512, 0);
  if (n == 1) close(got[0]);
  n = 8;
  recv_fds("recvmsg", sv[1], got, &n, 512, 0);
  say("send no bytes + fd (stream)", send_fds(sv[0], "", 0, &p[1], 1));
  n = 8;
  recv_fds("recvmsg DONTWAIT", sv[1], got, &n, 512, MSG_DONTWAIT);
  // read(2) drops the descriptors.
  say("send z+fd", send_fds(sv[0], "z", 1, &p[1], 1));
  char c;
  say("read", read(sv[1], &c, 1));
  close(sv[0]);
  close(sv[1]);

  // Datagrams: descriptors with an empty record.
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  say("dgram: send no bytes + fd", send_fds(sv[0], "", 0, &p[1], 1));
  n = 8;
  recv_fds("dgram recvmsg", sv[1], got, &n, 512, 0);
  if (n == 1) close(got[0]);

  // In flight when both sockets close: the file is released. The pipe's
  // only writer is in flight; closing the sockets closes it: EOF.
  int q[2];
  if (pipe(q) < 0) return 1;
  say("send pipe writer", send_fds(sv[0], "w", 1, &q[1], 1));
  close(q[1]);
  close(sv[0]);
  close(sv[1]);
  pipe_says("writer in flight, sockets closed", q[0]);
  close(q[0]);

  // A forked child receives a descriptor from its parent.
  // The child receives only after the parent's line (go): one order.
  socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
  int go[2];
  if (pipe(q) < 0 || pipe(go) < 0) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    close(q[0]);
    close(q[1]);
    char g;
    if (read(go[0], &g, 1) != 1) _exit(4);
    int fd[1], k = 1;
    recv_fds("child recvmsg", sv[1], fd, &k, 512, 0);
    if (k != 1) _exit(2);
    if (write(fd[0], "from child", 10) != 10) _exit(3);
    _exit(0);
  }
  close(sv[1]);
  say("parent sends pipe writer", send_fds(sv[0], "p", 1, &q[1], 1));
  fflush(stdout);
  if (write(go[1], "g", 1) != 1) return 1;
  close(go[0]);
  close(go[1]);
  close(q[1]);
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  pipe_says("parent", q[0]);
  pipe_says("parent", q[0]);
  close(q[0]);
  close(sv[0]);

  // Credentials.
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  int on = 1;
  say("SO_PASSCRED", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
  say("send", send(sv[0], "c", 1, 0));
  n = 8;
  recv_fds("recvmsg with SO_PASSCRED", sv[1], got, &n, 512, 0);
  say("send", send(sv[0], "c", 1, 0));
  n = 8;
  recv_fds("recvmsg creds, control 20", sv[1], got, &n, 20, 0);
  {
    struct ucred uc = {getpid(), getuid(), getgid()};
    union {
      char buf[CMSG_SPACE(sizeof uc)];
      struct cmsghdr align;
    } u;
    struct iovec v = {"e", 1};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    struct cmsghdr* cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_CREDENTIALS;
    cm->cmsg_len = CMSG_LEN(sizeof uc);
    memcpy(CMSG_DATA(cm), &uc, sizeof uc);
    say("sendmsg SCM_CREDENTIALS", sendmsg(sv[0], &m, 0));
    n = 8;
    recv_fds("recvmsg", sv[1], got, &n, 512, 0);
    cm->cmsg_len = CMSG_LEN(sizeof uc - 4);
    say("sendmsg SCM_CREDENTIALS short", sendmsg(sv[0], &m, 0));
  }
  int off = 0;
  setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &off, sizeof off);

  // Malformed control buffers.
  {
    union {
      char buf[CMSG_SPACE(sizeof(int) * 300)];
      struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct iovec v = {"m", 1};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    struct cmsghdr* cm = (struct cmsghdr*)u.buf;
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    int bad = 99;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &bad, sizeof bad);
    m.msg_controllen = CMSG_SPACE(sizeof(int));
    say("SCM_RIGHTS fd 99", sendmsg(sv[0], &m, 0));
    cm->cmsg_len = 200;
    say("cmsg_len past the buffer", sendmsg(sv[0], &m, 0));
    cm->cmsg_len = 8;
    say("cmsg_len 8", sendmsg(sv[0], &m, 0));
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    cm->cmsg_type = 77;
    say("unknown SOL_SOCKET type", sendmsg(sv[0], &m, 0));
    cm->cmsg_level = 6;
    say("other level (skipped)", sendmsg(sv[0], &m, 0));
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    for (int i = 0; i < 300; i++) memcpy(CMSG_DATA(cm) + i * sizeof(int), &p[0], sizeof(int));
    cm->cmsg_len = CMSG_LEN(sizeof(int) * 254);
    m.msg_controllen = CMSG_SPACE(sizeof(int) * 254);
    say("254 descriptors", sendmsg(sv[0], &m, 0));
    cm->cmsg_len = CMSG_LEN(sizeof(int) * 253);
    m.msg_controllen = CMSG_SPACE(sizeof(int) * 253);
    say("253 descriptors", sendmsg(sv[0], &m, 0));
    m.msg_controllen = 8;
    say("controllen 8 (ignored)", sendmsg(sv[0], &m, 0));
    n = 8;
    recv_fds("recv skipped-level", sv[1], got, &n, 512, 0);
    n = 8;
    recv_fds("recv 253, room for 8", sv[1], got, &n, CMSG_SPACE(8 * sizeof(int)), 0);
    for (int i = 0; i < n; i++) close(got[i]);
    n = 8;
    recv_fds("recv", sv[1], got, &n, 512, 0);
  }

  // A full descriptor table on receipt: MSG_CTRUNC, the message still
  // arrives.
  struct rlimit rl = {64, 64};
  setrlimit(RLIMIT_NOFILE, &rl);
  say("send fd", send_fds(sv[0], "full", 4, &p[1], 1));
  int filled[128], k = 0;
  for (;;) {
    int fd = dup(0);
    if (fd < 0) break;
    filled[k++] = fd;
  }
  n = 8;
  recv_fds("recvmsg with a full table", sv[1], got, &n, 512, 0);
  for (int i = 0; i < k; i++) close(filled[i]);
  close(sv[0]);
  close(sv[1]);

  close(p[1]);
  pipe_says("every writer gone", p[0]);
  return 0;
}
