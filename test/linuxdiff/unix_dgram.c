// socketpair(AF_UNIX, SOCK_DGRAM / SOCK_SEQPACKET): record boundaries,
// MSG_TRUNC (the flag and the length), MSG_PEEK, empty records, EMSGSIZE,
// the peer closing (ECONNREFUSED then ENOTCONN for datagrams; EPIPE and end
// of file for packets), shutdown, poll; and the errors of socketpair and of
// the socket calls on other files (EBADF, ENOTSOCK, EFAULT, EINVAL).
#include "ld.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

static volatile sig_atomic_t sigpipes;
static void on_pipe(int sig) { (void)sig; sigpipes++; }

static void pl(const char* what, int fd, short events) {
  struct pollfd p = {fd, events, 0};
  int r = poll(&p, 1, 0);
  printf("%s = %d revents %#x\n", what, r, p.revents);
}

static void rmsg(const char* what, int fd, size_t n, int flags) {
  char buf[64] = {0};
  struct iovec v = {buf, n};
  struct msghdr m = {0};
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  long r = recvmsg(fd, &m, flags);
  if (r < 0)
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s = %ld \"%.*s\" flags %#x\n", what, r, (int)(r < (long)n ? r : (long)n), buf,
           m.msg_flags);
}

static void records(int type, const char* name) {
  int sv[2];
  printf("== %s\n", name);
  say("socketpair", socketpair(AF_UNIX, type, 0, sv));
  say("send one", send(sv[0], "one", 3, 0));
  say("send two", send(sv[0], "two!", 4, 0));
  say("send empty", send(sv[0], "", 0, 0));
  say("send long", send(sv[0], "abcdefghij", 10, 0));
  pl("poll", sv[1], POLLIN | POLLOUT);
  rmsg("recv 64", sv[1], 64, 0);
  rmsg("recv PEEK 2", sv[1], 2, MSG_PEEK);
  rmsg("recv 64 after peek", sv[1], 64, 0);
  rmsg("recv empty record", sv[1], 64, MSG_DONTWAIT);
  rmsg("recv 4 of 10", sv[1], 4, 0);
  rmsg("recv DONTWAIT empty queue", sv[1], 64, MSG_DONTWAIT);
  say("send", send(sv[0], "truncate-me", 11, 0));
  rmsg("recv 3 MSG_TRUNC", sv[1], 3, MSG_TRUNC);
  say("send", send(sv[0], "xyz", 3, 0));
  char c;
  say("read 1 of 3", read(sv[1], &c, 1));
  say("send", send(sv[0], "again", 5, 0));
  say("read 0 bytes", read(sv[1], &c, 0));
  rmsg("queue after 0-byte read", sv[1], 64, MSG_DONTWAIT);

  // writev and readv: one record each.
  struct iovec wv[2] = {{"ab", 2}, {"cd", 2}};
  say("writev", writev(sv[0], wv, 2));
  char a[2], b[8] = {0};
  struct iovec rv[2] = {{a, 2}, {b, 8}};
  long n = readv(sv[1], rv, 2);
  printf("readv = %ld \"%.2s\" \"%s\"\n", n, a, b);

  // Too big for the send buffer: EMSGSIZE; big but fitting goes whole.
  static char big[300000];
  say("send 300000", send(sv[0], big, sizeof big, 0));
  say("send 100000", send(sv[0], big, 100000, 0));
  rmsg("recv 10 of 100000", sv[1], 10, MSG_TRUNC);

  // A blocked receiver in another process.
  pid_t pid = fork();
  if (pid == 0) {
    rmsg("child recv", sv[1], 64, 0);
    _exit(0);
  }
  nap_ms(50);
  long sent = send(sv[0], "hi", 2, 0);
  int st;
  waitpid(pid, &st, 0);  // the child prints first
  say("send to child", sent);

  // sendto with an address.
  struct sockaddr_un to = {AF_UNIX, "/nonexistent/sock"};
  say("sendto path", sendto(sv[0], "x", 1, 0, (struct sockaddr*)&to, sizeof to));
  struct sockaddr_un abs = {AF_UNIX, ""};
  memcpy(abs.sun_path, "\0nobody", 7);
  say("sendto abstract", sendto(sv[0], "x", 1, 0, (struct sockaddr*)&abs, 2 + 7));
  say("sendto short addr", sendto(sv[0], "x", 1, 0, (struct sockaddr*)&to, 2));
  rmsg("drain", sv[1], 64, MSG_DONTWAIT);

  // shutdown(SHUT_RD) on the receiver.
  say("shutdown sv1 RD", shutdown(sv[1], SHUT_RD));
  pl("poll sv1", sv[1], POLLIN | POLLOUT | POLLRDHUP);
  pl("poll sv0", sv[0], POLLIN | POLLOUT | POLLRDHUP);
  rmsg("recv shut reader", sv[1], 64, 0);
  rmsg("recv shut reader DONTWAIT", sv[1], 64, MSG_DONTWAIT);
  say("send to shut reader", send(sv[0], "x", 1, MSG_NOSIGNAL));
  say("shutdown sv0 WR", shutdown(sv[0], SHUT_WR));
  say("send after own SHUT_WR", send(sv[0], "x", 1, MSG_NOSIGNAL));
  close(sv[0]);
  close(sv[1]);

  // The peer closes.
  say("socketpair", socketpair(AF_UNIX, type, 0, sv));
  say("send before close", send(sv[1], "bye", 3, 0));
  close(sv[1]);
  pl("poll after peer close", sv[0], POLLIN | POLLOUT);
  rmsg("recv queued", sv[0], 64, MSG_DONTWAIT);
  rmsg("recv after peer close", sv[0], 64, MSG_DONTWAIT);
  int before = sigpipes;
  say("send to closed peer", send(sv[0], "x", 1, 0));
  say("send again", send(sv[0], "x", 1, 0));
  printf("sigpipes %d\n", (int)(sigpipes - before));
  struct sockaddr_un sa;
  socklen_t len = sizeof sa;
  say("getpeername", getpeername(sv[0], (struct sockaddr*)&sa, &len));
  close(sv[0]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, on_pipe);
  records(SOCK_DGRAM, "SOCK_DGRAM");
  records(SOCK_SEQPACKET, "SOCK_SEQPACKET");

  printf("== errors\n");
  int sv[2] = {-1, -1};
  say("SOCK_RAW is DGRAM", socketpair(AF_UNIX, SOCK_RAW, 0, sv));
  int v;
  socklen_t len = sizeof v;
  getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len);
  printf("  SO_TYPE %d\n", v);
  close(sv[0]);
  close(sv[1]);
  say("protocol PF_UNIX", socketpair(AF_UNIX, SOCK_STREAM, PF_UNIX, sv));
  close(sv[0]);
  close(sv[1]);
  say("type 99", socketpair(AF_UNIX, 99, 0, sv));
  say("type 4 (RDM)", socketpair(AF_UNIX, SOCK_RDM, 0, sv));
  say("protocol 5", socketpair(AF_UNIX, SOCK_STREAM, 5, sv));
  say("bad flags", socketpair(AF_UNIX, SOCK_STREAM | 0x10000, 0, sv));
  say("AF_INET", socketpair(AF_INET, SOCK_STREAM, 0, sv));
  say("domain 99", socketpair(99, SOCK_STREAM, 0, sv));
  say("sv NULL", socketpair(AF_UNIX, SOCK_STREAM, 0, NULL));
  void* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  say("sv read-only", socketpair(AF_UNIX, SOCK_STREAM, 0, ro));
  int fd = dup(0);
  close(fd);
  say("socketpair leaves no fd after EFAULT", dup(0) == fd ? 0 : -1);
  close(fd);

  int p[2];
  if (pipe(p) < 0) return 1;
  char buf[8];
  say("send on a pipe", send(p[1], "x", 1, 0));
  say("recv on a pipe", recv(p[0], buf, 1, 0));
  say("shutdown on a pipe", shutdown(p[0], SHUT_RD));
  len = sizeof v;
  say("getsockopt on a pipe", getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &len));
  struct sockaddr_un sa;
  len = sizeof sa;
  say("getsockname on a pipe", getsockname(p[0], (struct sockaddr*)&sa, &len));
  say("send on fd 99", send(99, "x", 1, 0));
  say("recvmsg on fd -1", recvmsg(-1, NULL, 0));
  close(p[0]);
  close(p[1]);

  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  say("send bad buffer", send(sv[0], (void*)8, 4, 0));
  say("recvmsg NULL msghdr", recvmsg(sv[1], NULL, MSG_DONTWAIT));
  say("sendmsg NULL msghdr", sendmsg(sv[0], NULL, 0));
  struct msghdr m = {0};
  m.msg_iovlen = 2000;
  m.msg_iov = (struct iovec*)buf;
  say("sendmsg 2000 iovecs", sendmsg(sv[0], &m, 0));
  struct iovec iv[2] = {{buf, 1}, {buf, (size_t)-1}};
  m.msg_iov = iv;
  m.msg_iovlen = 2;
  say("sendmsg iov_len -1", sendmsg(sv[0], &m, 0));
  iv[1].iov_len = 1;
  m.msg_iov = (struct iovec*)8;
  say("sendmsg bad iov", sendmsg(sv[0], &m, 0));
  m.msg_iov = iv;
  m.msg_control = (void*)8;
  m.msg_controllen = 32;
  say("sendmsg bad control", sendmsg(sv[0], &m, 0));
  say("send", send(sv[0], "data", 4, 0));
  say("recv bad buffer", recv(sv[1], (void*)8, 4, 0));
  say("recv still there", recv(sv[1], buf, 4, 0));
  len = sizeof v;
  say("getsockopt bad optval", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, (void*)8, &len));
  say("getsockopt bad optlen", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, (socklen_t*)8));
  say("getsockopt unknown", getsockopt(sv[0], SOL_SOCKET, 9999, &v, &len));
  say("setsockopt bad optval", setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, (void*)8, 4));
  say("getsockname bad len", getsockname(sv[0], (struct sockaddr*)&sa, (socklen_t*)8));
  close(sv[0]);
  close(sv[1]);

  // Exhaustion: EMFILE once the table is full; nothing left behind.
  // (Tine's table holds 64; Linux is held to the same.)
  struct rlimit rl = {64, 64};
  setrlimit(RLIMIT_NOFILE, &rl);
  int opened = 0, last = 0;
  int fds[1024];
  for (;;) {
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
      last = errno;
      break;
    }
    fds[opened++] = sv[0];
    fds[opened++] = sv[1];
    if (opened >= 1000) break;
  }
  printf("socketpair until full: %s\n", last ? strerrorname_np(last) : "no error");
  for (int i = 0; i < opened; i++) close(fds[i]);
  fd = dup(0);
  printf("lowest free fd again %d\n", fd == 3);
  return 0;
}
