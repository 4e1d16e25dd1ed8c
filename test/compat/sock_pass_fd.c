// A parent hands descriptors to forked children over socketpairs
// (SCM_RIGHTS): the read end of a pipe to one child, the write end to
// another, which talk through it; a child opens a pipe of its own and
// hands an end back. Then a chain: a descriptor passed on from child to
// child through five processes still writes to the parent's pipe.
#include "compat.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>

static int send_fd(int s, int fd, const char* tag) {
  return send_with_fd(s, tag, strlen(tag), fd) == (long)strlen(tag) ? 0 : -1;
}

// The descriptor received, or -1; the tag into tag (NUL-terminated).
static int recv_fd(int s, char* tag, size_t n) {
  int fd;
  long r = recv_with_fd(s, tag, n - 1, &fd, MSG_CMSG_CLOEXEC);
  if (r < 0) return -1;
  tag[r] = 0;
  return fd;
}

#define CHAIN 5

int main(void) {
  int a[2], b[2], p[2];
  CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, a) == 0);
  CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, b) == 0);
  pid_t reader = fork();
  if (reader == 0) {
    close(a[0]);
    close(b[0]);
    close(b[1]);
    char tag[32];
    int fd = recv_fd(a[1], tag, sizeof tag);
    char msg[64] = {0};
    long n = fd >= 0 ? read(fd, msg, sizeof msg - 1) : -1;
    printf("reader got \"%s\", cloexec %d, read \"%s\"\n", tag, fcntl(fd, F_GETFD), n > 0 ? msg : "");
    // Hand the parent the read end of a pipe of our own.
    int q[2];
    if (pipe(q) < 0) _exit(1);
    if (send_fd(a[1], q[0], "mine") < 0) _exit(2);
    close(q[0]);
    if (write(q[1], "from the reader's pipe", 22) != 22) _exit(3);
    close(q[1]);
    _exit(0);
  }
  pid_t writer = fork();
  if (writer == 0) {
    close(a[0]);
    close(a[1]);
    close(b[0]);
    char tag[32];
    int fd = recv_fd(b[1], tag, sizeof tag);
    printf("writer got \"%s\"\n", tag);
    if (fd < 0 || write(fd, "hello over a passed pipe", 24) != 24) _exit(1);
    _exit(0);
  }
  close(a[1]);
  close(b[1]);
  CHECK(pipe(p) == 0);
  CHECK(send_fd(a[0], p[0], "read end") == 0);
  int st;
  waitpid(reader, &st, WNOHANG);  // not yet: it waits for data
  CHECK(send_fd(b[0], p[1], "write end") == 0);
  close(p[0]);
  close(p[1]);
  int wst;
  waitpid(writer, &wst, 0);
  char tag[32];
  int mine = recv_fd(a[0], tag, sizeof tag);
  waitpid(reader, &st, 0);  // both have printed
  printf("writer exit %d\n", WEXITSTATUS(wst));
  printf("reader exit %d\n", WEXITSTATUS(st));
  char msg[64] = {0};
  long n = read(mine, msg, sizeof msg - 1);
  printf("parent got \"%s\", read %ld \"%s\"\n", tag, n, n > 0 ? msg : "");
  printf("then EOF %d\n", read(mine, msg, 1) == 0);
  close(mine);
  close(a[0]);
  close(b[0]);

  // A chain: each process receives the descriptor, forks the next and
  // passes it on over a new pair; the last writes to the parent's pipe.
  CHECK(pipe(p) == 0);
  int s[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
  pid_t first = fork();
  if (first == 0) {
    close(p[0]);
    close(p[1]);
    close(s[0]);
    int in = s[1];
    for (int depth = 1;; depth++) {
      char t[16];
      int fd = recv_fd(in, t, sizeof t);
      if (fd < 0) _exit(10 + depth);
      if (depth == CHAIN) {
        char line[32];
        int len = snprintf(line, sizeof line, "end of a chain of %d", depth);
        _exit(write(fd, line, len) == len ? 0 : 1);
      }
      int next[2];
      if (socketpair(AF_UNIX, SOCK_STREAM, 0, next) < 0) _exit(2);
      pid_t k = fork();
      if (k == 0) {
        close(next[0]);
        close(fd);
        close(in);
        in = next[1];
        continue;
      }
      close(next[1]);
      if (send_fd(next[0], fd, "pass") < 0) _exit(3);
      close(fd);
      int cs;
      waitpid(k, &cs, 0);
      _exit(WIFEXITED(cs) ? WEXITSTATUS(cs) : 100);
    }
  }
  close(s[1]);
  CHECK(send_fd(s[0], p[1], "pass") == 0);
  close(p[1]);
  close(s[0]);
  memset(msg, 0, sizeof msg);
  n = read(p[0], msg, sizeof msg - 1);
  printf("chain: read %ld \"%s\"\n", n, n > 0 ? msg : "");
  waitpid(first, &st, 0);
  printf("chain exit %d\n", WEXITSTATUS(st));
  printf("then EOF %d\n", read(p[0], msg, 1) == 0);
  return 0;
}
