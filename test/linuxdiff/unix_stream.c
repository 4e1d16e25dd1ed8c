// socketpair(AF_UNIX, SOCK_STREAM): bytes both ways, read/write/readv/
// writev, send/recv flags (MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL,
// MSG_NOSIGNAL), shutdown, end of file and EPIPE/SIGPIPE after the peer
// closes, ECONNRESET for unread data, poll and epoll readiness, a blocked
// reader woken from another process, EINTR and SA_RESTART, the socket
// options (SO_RCVTIMEO and SO_SNDTIMEO too), names, fstat and /proc/self/fd.
#include "ld.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

static volatile sig_atomic_t sigpipes, alarms;
static void on_pipe(int sig) { (void)sig; sigpipes++; }
static void on_alarm(int sig) { (void)sig; alarms++; }

static void pl(const char* what, int fd, short events) {
  struct pollfd p = {fd, events, 0};
  int r = poll(&p, 1, 0);
  printf("%s = %d revents %#x\n", what, r, p.revents);
}

static void rd(const char* what, int fd, size_t n, int flags) {
  char buf[256] = {0};
  long r = recv(fd, buf, n, flags);
  if (r < 0)
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s = %ld \"%.*s\"\n", what, r, (int)r, buf);
}

static void pair(int sv[2], int type) {
  if (socketpair(AF_UNIX, type, 0, sv) < 0) {
    printf("socketpair failed: %s\n", strerrorname_np(errno));
    _exit(1);
  }
}

static void opts(int fd) {
  int v = -1;
  socklen_t len = sizeof v;
  say("SO_TYPE", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) < 0 ? -1 : v);
  len = sizeof v;
  say("SO_DOMAIN", getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) < 0 ? -1 : v);
  len = sizeof v;
  say("SO_PROTOCOL", getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) < 0 ? -1 : v);
  len = sizeof v;
  say("SO_ERROR", getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len) < 0 ? -1 : v);
  len = sizeof v;
  say("SO_ACCEPTCONN", getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) < 0 ? -1 : v);
  len = sizeof v;
  say("SO_SNDBUF default", getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len) < 0 ? -1 : v);
  v = 65536;
  say("set SO_SNDBUF 65536", setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
  len = sizeof v;
  say("SO_SNDBUF", getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len) < 0 ? -1 : v);
  v = 1;
  say("set SO_SNDBUF 1", setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
  len = sizeof v;
  say("SO_SNDBUF min", getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len) < 0 ? -1 : v);
  v = 100000;
  say("set SO_RCVBUF", setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
  len = sizeof v;
  say("SO_RCVBUF", getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) < 0 ? -1 : v);
  len = sizeof v;
  say("SO_PASSCRED", getsockopt(fd, SOL_SOCKET, SO_PASSCRED, &v, &len) < 0 ? -1 : v);
  char small[2] = {0};
  len = 2;
  say("SO_TYPE len 2", getsockopt(fd, SOL_SOCKET, SO_TYPE, small, &len));
  printf("  len %u byte %d\n", len, small[0]);
  len = sizeof v;
  say("level IPPROTO_TCP", getsockopt(fd, 6, 1, &v, &len));
  int bad = -1;
  say("optlen -1", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, (socklen_t*)&bad));
  say("setsockopt short", setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, 2));
  say("setsockopt SO_TYPE", setsockopt(fd, SOL_SOCKET, SO_TYPE, &v, sizeof v));
  struct ucred uc;
  len = sizeof uc;
  int r = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len);
  printf("SO_PEERCRED = %d len %u mine %d uid %u gid %u\n", r, len, uc.pid == getpid(), uc.uid,
         uc.gid);
}

static void names(int fd) {
  struct sockaddr_un sa;
  memset(&sa, 0x55, sizeof sa);
  socklen_t len = sizeof sa;
  int r = getsockname(fd, (struct sockaddr*)&sa, &len);
  printf("getsockname = %d len %u family %d\n", r, len, sa.sun_family);
  memset(&sa, 0x55, sizeof sa);
  len = sizeof sa;
  r = getpeername(fd, (struct sockaddr*)&sa, &len);
  printf("getpeername = %d len %u family %d\n", r, len, sa.sun_family);
  len = 1;
  memset(&sa, 0x55, sizeof sa);
  r = getsockname(fd, (struct sockaddr*)&sa, &len);
  printf("getsockname len 1 = %d len %u byte0 %#x byte1 %#x\n", r, len,
         ((unsigned char*)&sa)[0], ((unsigned char*)&sa)[1]);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, on_pipe);
  int sv[2];
  pair(sv, SOCK_STREAM);

  struct stat st;
  say("fstat", fstat(sv[0], &st));
  printf("  S_ISSOCK %d mode %o size %lld\n", S_ISSOCK(st.st_mode), st.st_mode & 07777,
         (long long)st.st_size);
  struct stat st1;
  fstat(sv[1], &st1);
  printf("  ends differ in st_ino %d\n", st.st_ino != st1.st_ino);
  char path[64], link[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
  long n = readlink(path, link, sizeof link - 1);
  if (n > 0) {
    link[n] = 0;
    char want[64];
    snprintf(want, sizeof want, "socket:[%llu]", (unsigned long long)st.st_ino);
    printf("/proc/self/fd link is socket:[ino] %d\n", strcmp(link, want) == 0);
  } else {
    printf("readlink = -1 %s\n", strerrorname_np(errno));
  }
  say("lseek", lseek(sv[0], 0, SEEK_SET));
  say("F_GETFL", fcntl(sv[0], F_GETFL));

  opts(sv[0]);
  names(sv[0]);

  // Bytes both ways; a stream joins writes.
  say("write hello", write(sv[0], "hello", 5));
  say("write world", write(sv[0], "world", 5));
  pl("poll sv1", sv[1], POLLIN | POLLOUT | POLLRDHUP);
  rd("recv PEEK 3", sv[1], 3, MSG_PEEK);
  rd("recv PEEK 64", sv[1], 64, MSG_PEEK);
  rd("read 7", sv[1], 7, 0);
  rd("read rest", sv[1], 64, 0);
  rd("recv DONTWAIT empty", sv[1], 64, MSG_DONTWAIT);
  say("write back", write(sv[1], "pong", 4));
  rd("read back", sv[0], 64, 0);
  say("write 0 bytes", write(sv[0], "x", 0));
  rd("recv DONTWAIT after 0-byte write", sv[1], 64, MSG_DONTWAIT);

  // writev gathers, readv scatters.
  struct iovec wv[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
  say("writev", writev(sv[0], wv, 3));
  char a[3] = {0}, b[8] = {0};
  struct iovec rv[2] = {{a, 2}, {b, 8}};
  n = readv(sv[1], rv, 2);
  printf("readv = %ld \"%s\" \"%s\"\n", n, a, b);

  // sendmsg/recvmsg with iovecs and no control.
  struct iovec sv3[2] = {{"12", 2}, {"345", 3}};
  struct msghdr m = {0};
  m.msg_iov = sv3;
  m.msg_iovlen = 2;
  say("sendmsg", sendmsg(sv[0], &m, 0));
  char r1[2], r2[8] = {0};
  struct iovec rv3[2] = {{r1, 2}, {r2, 8}};
  struct msghdr rm = {0};
  rm.msg_iov = rv3;
  rm.msg_iovlen = 2;
  char ctl[64];
  rm.msg_control = ctl;
  rm.msg_controllen = sizeof ctl;
  rm.msg_flags = -1;
  n = recvmsg(sv[1], &rm, 0);
  printf("recvmsg = %ld \"%.2s\" \"%s\" flags %#x controllen %zu\n", n, r1, r2, rm.msg_flags,
         (size_t)rm.msg_controllen);

  // sendto with an address on a connected stream; recvfrom's address.
  struct sockaddr_un to = {AF_UNIX, "nowhere"};
  say("sendto addr", sendto(sv[0], "x", 1, 0, (struct sockaddr*)&to, sizeof to));
  say("sendto no addr", sendto(sv[0], "xyz", 3, 0, NULL, 0));
  struct sockaddr_un from;
  socklen_t flen = sizeof from;
  n = recvfrom(sv[1], b, sizeof b, 0, (struct sockaddr*)&from, &flen);
  printf("recvfrom = %ld addrlen %u\n", n, flen);

  // MSG_WAITALL: a child writes in three pieces, the parent waits for all.
  pid_t pid = fork();
  if (pid == 0) {
    for (int i = 0; i < 3; i++) {
      nap_ms(30);
      if (write(sv[1], "abcd", 4) != 4) _exit(1);
    }
    _exit(0);
  }
  char w[16] = {0};
  n = recv(sv[0], w, 12, MSG_WAITALL);
  printf("recv WAITALL = %ld \"%s\"\n", n, w);
  int status;
  waitpid(pid, &status, 0);
  printf("child exit %d\n", WEXITSTATUS(status));

  // A reader blocked in another process is woken by a write.
  pid = fork();
  if (pid == 0) {
    char c[8] = {0};
    long k = read(sv[1], c, sizeof c);
    printf("child read = %ld \"%s\"\n", k, c);
    _exit(0);
  }
  nap_ms(50);
  n = write(sv[0], "wake", 4);
  waitpid(pid, &status, 0);  // the child prints first
  say("parent write", n);

  // EINTR without SA_RESTART; SA_RESTART restarts the read.
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  alarm(1);
  n = read(sv[1], w, sizeof w);
  printf("read interrupted = %ld %s alarms %d\n", n, n < 0 ? strerrorname_np(errno) : "",
         (int)alarms);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  pid = fork();
  if (pid == 0) {
    nap_ms(1500);
    if (write(sv[0], "late", 4) != 4) _exit(1);
    _exit(0);
  }
  alarm(1);
  memset(w, 0, sizeof w);
  n = read(sv[1], w, sizeof w);
  printf("read restarted = %ld \"%s\" alarms %d\n", n, w, (int)alarms);
  waitpid(pid, &status, 0);

  // Non-blocking: fill the buffer until EAGAIN (the count is Linux's own
  // accounting, not printed), poll says not writable, a read frees room.
  int fl = fcntl(sv[0], F_GETFL);
  fcntl(sv[0], F_SETFL, fl | O_NONBLOCK);
  static char big[65536];
  long total = 0;
  for (;;) {
    long k = write(sv[0], big, sizeof big);
    if (k < 0) {
      printf("fill ends with %s, total > 64 KiB %d\n", strerrorname_np(errno), total > 65536);
      break;
    }
    total += k;
  }
  pl("poll full sv0 (OUT)", sv[0], POLLOUT);
  long drained = 0;
  while (drained < total) {
    long k = read(sv[1], big, sizeof big);
    if (k <= 0) break;
    drained += k;
  }
  printf("drained all %d\n", drained == total);
  pl("poll drained sv0", sv[0], POLLIN | POLLOUT);
  fcntl(sv[0], F_SETFL, fl);

  // epoll sees the data arrive.
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
  say("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev));
  struct epoll_event got;
  say("epoll_wait empty", epoll_wait(ep, &got, 1, 0));
  say("write", write(sv[0], "e", 1));
  n = epoll_wait(ep, &got, 1, 1000);
  printf("epoll_wait = %ld events %#x data %u\n", n, got.events, got.data.u32);
  rd("read", sv[1], 8, 0);
  close(ep);

  // shutdown.
  say("shutdown bad how", shutdown(sv[0], 3));
  say("shutdown(sv0, SHUT_WR)", shutdown(sv[0], SHUT_WR));
  pl("poll sv1 after peer SHUT_WR", sv[1], POLLIN | POLLOUT | POLLRDHUP);
  pl("poll sv0 after own SHUT_WR", sv[0], POLLIN | POLLOUT | POLLRDHUP);
  rd("read sv1: EOF", sv[1], 8, 0);
  say("write sv0 after SHUT_WR", write(sv[0], "x", 1));
  printf("sigpipes %d\n", (int)sigpipes);
  say("send NOSIGNAL after SHUT_WR", send(sv[0], "x", 1, MSG_NOSIGNAL));
  printf("sigpipes %d\n", (int)sigpipes);
  say("write sv1 still works", write(sv[1], "back", 4));
  rd("read sv0", sv[0], 8, 0);
  say("shutdown(sv0, SHUT_RD)", shutdown(sv[0], SHUT_RD));
  pl("poll sv0 after SHUT_RDWR", sv[0], POLLIN | POLLOUT | POLLRDHUP);
  pl("poll sv1 after peer SHUT_RDWR", sv[1], POLLIN | POLLOUT | POLLRDHUP);
  say("write sv1 to shut reader", write(sv[1], "x", 1));
  printf("sigpipes %d\n", (int)sigpipes);
  close(sv[0]);
  close(sv[1]);

  // Peer closes: data first, then end of file; writes EPIPE and SIGPIPE.
  pair(sv, SOCK_STREAM);
  say("write", write(sv[0], "last", 4));
  close(sv[0]);
  pl("poll after peer close", sv[1], POLLIN | POLLOUT | POLLRDHUP);
  rd("read data", sv[1], 8, 0);
  rd("read EOF", sv[1], 8, 0);
  say("write to closed peer", write(sv[1], "x", 1));
  printf("sigpipes %d\n", (int)sigpipes);
  say("send NOSIGNAL to closed peer", send(sv[1], "x", 1, MSG_NOSIGNAL));
  printf("sigpipes %d\n", (int)sigpipes);
  close(sv[1]);

  // Unread data when the peer closes: ECONNRESET once, then EOF.
  pair(sv, SOCK_STREAM);
  say("write unread", write(sv[1], "lost", 4));
  close(sv[0]);
  pl("poll ECONNRESET pending", sv[1], POLLIN);
  int v;
  socklen_t len = sizeof v;
  getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &v, &len);
  printf("SO_ERROR = %s\n", v ? strerrorname_np(v) : "0");
  rd("read after SO_ERROR taken", sv[1], 8, 0);
  close(sv[1]);
  pair(sv, SOCK_STREAM);
  say("write unread", write(sv[1], "lost", 4));
  close(sv[0]);
  rd("read ECONNRESET", sv[1], 8, 0);
  rd("read again", sv[1], 8, 0);
  close(sv[1]);

  // SIGPIPE's default action kills the writer.
  pair(sv, SOCK_STREAM);
  pid = fork();
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    close(sv[0]);
    nap_ms(50);
    if (write(sv[1], "x", 1) < 0) _exit(3);
    _exit(0);
  }
  close(sv[0]);
  close(sv[1]);
  waitpid(pid, &status, 0);
  printf("writer: signaled %d sig %d\n", WIFSIGNALED(status), WTERMSIG(status));

  // A writer blocked on a full buffer is woken with EPIPE when the reader
  // goes.
  pair(sv, SOCK_STREAM);
  pid = fork();
  if (pid == 0) {
    close(sv[0]);
    long t = 0;
    for (;;) {
      long k = send(sv[1], big, sizeof big, MSG_NOSIGNAL);
      if (k < 0) {
        printf("blocked writer ends with %s\n", strerrorname_np(errno));
        _exit(0);
      }
      t += k;
    }
  }
  close(sv[1]);
  nap_ms(100);
  close(sv[0]);
  waitpid(pid, &status, 0);
  printf("writer exit %d\n", WEXITSTATUS(status));

  // SO_RCVTIMEO and SO_SNDTIMEO: a blocking read or write gives up with
  // EAGAIN (a write with the bytes it moved); a bad time is EDOM.
  pair(sv, SOCK_STREAM);
  struct timeval tv = {0, 200000}, back;
  say("set SO_RCVTIMEO 0.2 s", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  socklen_t tl = sizeof back;
  say("get SO_RCVTIMEO", getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &back, &tl));
  printf("  len %u %ld s %ld us\n", tl, (long)back.tv_sec, (long)back.tv_usec);
  tl = sizeof back;
  getsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &back, &tl);
  printf("SO_SNDTIMEO default %ld s %ld us\n", (long)back.tv_sec, (long)back.tv_usec);
  long t0 = now_ms();
  n = read(sv[0], w, 1);
  long dt = now_ms() - t0;
  printf("read times out = %ld %s, waited >= 150 ms %d, < 3 s %d\n", n,
         n < 0 ? strerrorname_np(errno) : "", dt >= 150, dt < 3000);
  struct timeval bad = {0, 1000000};
  say("SO_RCVTIMEO usec 1000000", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &bad, sizeof bad));
  say("SO_RCVTIMEO short", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 8));
  int small_buf = 1;
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small_buf, sizeof small_buf);
  say("set SO_SNDTIMEO 0.2 s", setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv));
  n = write(sv[0], big, sizeof big);
  printf("write times out with part written %d\n", n > 0 && n < (long)sizeof big);
  say("write again", write(sv[0], big, sizeof big));
  struct timeval zero = {0, 0};
  setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &zero, sizeof zero);
  tl = sizeof back;
  getsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &back, &tl);
  printf("SO_SNDTIMEO cleared %ld s %ld us\n", (long)back.tv_sec, (long)back.tv_usec);
  close(sv[0]);
  close(sv[1]);

  // Flags: SOCK_NONBLOCK and SOCK_CLOEXEC; bad ones.
  say("socketpair NONBLOCK|CLOEXEC", socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
  printf("  O_NONBLOCK %d FD_CLOEXEC %d %d\n", (fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0,
         fcntl(sv[0], F_GETFD), fcntl(sv[1], F_GETFD));
  rd("read NONBLOCK empty", sv[0], 8, 0);
  close(sv[0]);
  close(sv[1]);
  return 0;
}
