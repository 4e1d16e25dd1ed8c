// socket(AF_UNIX) with bind/listen/accept/connect on abstract names:
// autobind, names from getsockname/getpeername/accept, SO_ACCEPTCONN and
// SO_PEERCRED, the backlog with a non-blocking connect, poll on a
// listener, a server in another process, pending connections reset when
// the listener closes, and the errors (EADDRINUSE, ECONNREFUSED,
// EISCONN, EINVAL, EAGAIN, EOPNOTSUPP).
#include "ld.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

static socklen_t abstract(struct sockaddr_un* sa, const char* name) {
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  size_t n = strlen(name);
  memcpy(sa->sun_path + 1, name, n);
  return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

static void show_name(const char* what, int fd, int peer) {
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  socklen_t len = sizeof sa;
  int r = peer ? getpeername(fd, (struct sockaddr*)&sa, &len)
               : getsockname(fd, (struct sockaddr*)&sa, &len);
  if (r < 0) {
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
    return;
  }
  int n = (int)len - (int)offsetof(struct sockaddr_un, sun_path);
  printf("%s = %d len %u", what, r, len);
  if (n > 0) printf(" %s\"%.*s\"", sa.sun_path[0] ? "" : "@", n - (sa.sun_path[0] ? 0 : 1),
                    sa.sun_path + (sa.sun_path[0] ? 0 : 1));
  printf("\n");
}

static int sockopt(int fd, int opt) {
  int v = -1;
  socklen_t len = sizeof v;
  return getsockopt(fd, SOL_SOCKET, opt, &v, &len) < 0 ? -1 : v;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, SIG_IGN);
  struct sockaddr_un sa, sb;
  socklen_t la = abstract(&sa, "tine-linuxdiff-listen");

  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  say("socket", l >= 0 ? 0 : -1);
  show_name("getsockname unbound", l, 0);
  show_name("getpeername unbound", l, 1);
  say("listen unbound", listen(l, 5));
  say("accept unbound", accept(l, NULL, NULL));
  say("bind", bind(l, (struct sockaddr*)&sa, la));
  say("bind again", bind(l, (struct sockaddr*)&sa, la));
  show_name("getsockname", l, 0);
  say("SO_ACCEPTCONN before listen", sockopt(l, SO_ACCEPTCONN));
  say("listen", listen(l, 2));
  say("SO_ACCEPTCONN", sockopt(l, SO_ACCEPTCONN));
  int other = socket(AF_UNIX, SOCK_STREAM, 0);
  say("bind same name", bind(other, (struct sockaddr*)&sa, la));
  close(other);
  struct pollfd p = {l, POLLIN | POLLOUT, 0};
  say("poll listener idle", poll(&p, 1, 0));

  // A client connects; the server accepts; bytes both ways.
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  say("connect", connect(c, (struct sockaddr*)&sa, la));
  say("connect again", connect(c, (struct sockaddr*)&sa, la));
  p.revents = 0;
  say("poll listener with one waiting", poll(&p, 1, 0));
  printf("  revents %#x\n", p.revents);
  say("client writes before accept", write(c, "early", 5));
  memset(&sb, 0x55, sizeof sb);
  socklen_t lb = sizeof sb;
  int s = accept(l, (struct sockaddr*)&sb, &lb);
  printf("accept = %d len %u family %d\n", s >= 0 ? 0 : -1, lb, sb.sun_family);
  show_name("server getsockname", s, 0);
  show_name("server getpeername", s, 1);
  show_name("client getsockname", c, 0);
  show_name("client getpeername", c, 1);
  char buf[32] = {0};
  say("server reads", read(s, buf, sizeof buf));
  printf("  \"%s\"\n", buf);
  say("server writes", write(s, "reply", 5));
  memset(buf, 0, sizeof buf);
  say("client reads", read(c, buf, sizeof buf));
  printf("  \"%s\"\n", buf);
  struct ucred uc;
  socklen_t ul = sizeof uc;
  getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &ul);
  printf("client SO_PEERCRED mine %d uid %u\n", uc.pid == getpid(), uc.uid);
  ul = sizeof uc;
  getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &ul);
  printf("server SO_PEERCRED mine %d uid %u\n", uc.pid == getpid(), uc.uid);
  ul = sizeof uc;
  getsockopt(l, SOL_SOCKET, SO_PEERCRED, &uc, &ul);
  printf("listener SO_PEERCRED mine %d uid %d\n", uc.pid == getpid(), (int)uc.uid);
  say("SO_ACCEPTCONN of the accepted", sockopt(s, SO_ACCEPTCONN));
  close(c);
  memset(buf, 0, sizeof buf);
  say("server reads EOF", read(s, buf, sizeof buf));
  close(s);

  // Non-blocking accept with nothing waiting; accept4's flags.
  int fl = fcntl(l, F_GETFL);
  fcntl(l, F_SETFL, fl | O_NONBLOCK);
  say("accept nothing waiting", accept(l, NULL, NULL));
  fcntl(l, F_SETFL, fl);
  c = socket(AF_UNIX, SOCK_STREAM, 0);
  connect(c, (struct sockaddr*)&sa, la);
  say("accept4 bad flags", accept4(l, NULL, NULL, 0x1234));
  s = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  printf("accept4 = %d nonblock %d cloexec %d\n", s >= 0 ? 0 : -1,
         (fcntl(s, F_GETFL) & O_NONBLOCK) != 0, fcntl(s, F_GETFD));
  say("read nonblocking accepted", read(s, buf, 1));
  close(s);
  close(c);

  // The backlog: listen(2) lets three wait; a fourth non-blocking connect
  // says EAGAIN.
  int cs[4];
  for (int i = 0; i < 4; i++) {
    cs[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    char what[32];
    snprintf(what, sizeof what, "connect %d", i);
    say(what, connect(cs[i], (struct sockaddr*)&sa, la));
  }
  // Closing the listener resets the three never accepted.
  close(l);
  for (int i = 0; i < 3; i++) {
    char what[32];
    snprintf(what, sizeof what, "read on reset %d", i);
    say(what, read(cs[i], buf, 1));
  }
  for (int i = 0; i < 4; i++) close(cs[i]);
  c = socket(AF_UNIX, SOCK_STREAM, 0);
  say("connect after the listener closed", connect(c, (struct sockaddr*)&sa, la));
  close(c);

  // A server process; the name is free again.
  l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  say("bind seqpacket, name reused", bind(l, (struct sockaddr*)&sa, la));
  say("listen", listen(l, 8));
  pid_t pid = fork();
  if (pid == 0) {
    for (int i = 0; i < 3; i++) {
      int k = accept(l, NULL, NULL);
      if (k < 0) _exit(1);
      char m[16] = {0};
      long n = recv(k, m, sizeof m, 0);
      if (n < 0 || send(k, m, n, 0) != n) _exit(2);
      close(k);
    }
    _exit(0);
  }
  for (int i = 0; i < 3; i++) {
    c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (connect(c, (struct sockaddr*)&sa, la) < 0) printf("connect failed %s\n", strerrorname_np(errno));
    char m[16];
    int len = snprintf(m, sizeof m, "echo %d", i);
    send(c, m, len, 0);
    memset(buf, 0, sizeof buf);
    long n = recv(c, buf, sizeof buf, 0);
    printf("echo = %ld \"%s\"\n", n, buf);
    close(c);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("server exit %d\n", WEXITSTATUS(st));
  c = socket(AF_UNIX, SOCK_STREAM, 0);
  say("stream connect to seqpacket", connect(c, (struct sockaddr*)&sa, la));
  close(c);
  close(l);

  // Autobind and other errors.
  l = socket(AF_UNIX, SOCK_STREAM, 0);
  say("autobind", bind(l, (struct sockaddr*)&sa, offsetof(struct sockaddr_un, sun_path)));
  struct sockaddr_un an;
  socklen_t al = sizeof an;
  getsockname(l, (struct sockaddr*)&an, &al);
  printf("autobound len %u abstract %d\n", al, an.sun_path[0] == 0);
  close(l);
  c = socket(AF_UNIX, SOCK_STREAM, 0);
  say("connect nobody", connect(c, (struct sockaddr*)&sa, la));
  say("connect len 2", connect(c, (struct sockaddr*)&sa, 2));
  say("connect len 200", connect(c, (struct sockaddr*)&sa, 200));
  sa.sun_family = AF_INET;
  say("connect AF_INET address", connect(c, (struct sockaddr*)&sa, la));
  sa.sun_family = AF_UNIX;
  say("connect bad pointer", connect(c, (struct sockaddr*)8, la));
  say("bind bad pointer", bind(c, (struct sockaddr*)8, la));
  say("listen on connected pair", ({
        int sv[2];
        socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        int r = listen(sv[0], 1);
        close(sv[0]);
        close(sv[1]);
        r;
      }));
  close(c);
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  say("listen datagram", listen(d, 1));
  close(d);
  say("socket AF_UNIX protocol 7", socket(AF_UNIX, SOCK_STREAM, 7));
  int pp[2];
  if (pipe(pp) < 0) return 1;
  say("accept on a pipe", accept(pp[0], NULL, NULL));
  say("connect on a pipe", connect(pp[0], (struct sockaddr*)&sa, la));
  return 0;
}
