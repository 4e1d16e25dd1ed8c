// 1 MiB through a pipe between a forked writer and its parent, intact:
// once blocking, in chunks of many sizes, and once with both ends
// O_NONBLOCK, each side waiting in poll() whenever it is told EAGAIN. Also
// POSIX's PIPE_BUF rules for a non-blocking writer: a write of at most
// PIPE_BUF bytes goes in whole or not at all, a larger one into a full
// pipe is EAGAIN and into a part-full pipe writes part of it.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { kTotal = 1 << 20 };

static unsigned char byte_at(size_t i) { return (unsigned char)(i * 131 + (i >> 9)); }

static void wait_for(int fd, short events) {
  struct pollfd p = {.fd = fd, .events = events};
  if (poll(&p, 1, -1) != 1) {
    perror("poll");
    exit(3);
  }
}

// The writer: kTotal bytes in chunks of 1..9000 bytes.
static void writer(int fd, int nonblock) {
  static unsigned char buf[9000];
  size_t sent = 0, step = 0;
  while (sent < kTotal) {
    size_t n = 1 + (step++ * 2654435761u) % sizeof buf;
    if (n > kTotal - sent) n = kTotal - sent;
    for (size_t i = 0; i < n; i++) buf[i] = byte_at(sent + i);
    size_t off = 0;
    while (off < n) {
      ssize_t w = write(fd, buf + off, n - off);
      if (w < 0 && errno == EAGAIN && nonblock) {
        wait_for(fd, POLLOUT);
        continue;
      }
      if (w <= 0) _exit(4);
      off += (size_t)w;
    }
    sent += n;
  }
  _exit(0);
}

// The reader: returns how many bytes matched before the first wrong one
// or the end.
static size_t reader(int fd, int nonblock, int* eagains) {
  static unsigned char buf[7001];
  size_t got = 0;
  for (;;) {
    ssize_t r = read(fd, buf, 1 + got % sizeof buf);
    if (r < 0 && errno == EAGAIN && nonblock) {
      ++*eagains;
      wait_for(fd, POLLIN);
      continue;
    }
    if (r <= 0) return got;
    for (ssize_t i = 0; i < r; i++)
      if (buf[i] != byte_at(got + (size_t)i)) return got + (size_t)i;
    got += (size_t)r;
  }
}

static void transfer(const char* name, int nonblock) {
  int p[2];
  if (pipe2(p, nonblock ? O_NONBLOCK : 0) != 0) {
    perror("pipe2");
    exit(2);
  }
  pid_t child = fork();
  if (child == 0) {
    close(p[0]);
    writer(p[1], nonblock);
  }
  close(p[1]);
  int eagains = 0;
  size_t got = reader(p[0], nonblock, &eagains);
  close(p[0]);
  int status;
  waitpid(child, &status, 0);
  printf("%s: %zu of %d bytes intact, writer %s %d\n", name, got, kTotal,
         WIFEXITED(status) ? "exited" : "killed",
         WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
  if (nonblock) printf("%s: reader was told EAGAIN: %s\n", name, eagains > 0 ? "yes" : "no");
}

static void pipe_buf_rules(void) {
  int p[2];
  if (pipe2(p, O_NONBLOCK) != 0) exit(2);
  static char big[2 * PIPE_BUF];
  memset(big, 'x', sizeof big);
  // Fill with PIPE_BUF-sized writes: each goes in whole or not at all.
  size_t filled = 0;
  int whole = 1;
  ssize_t w;
  while ((w = write(p[1], big, PIPE_BUF)) > 0) {
    if (w != PIPE_BUF) whole = 0;
    filled += (size_t)w;
  }
  printf("PIPE_BUF writes into a filling pipe: all whole %s, then %s\n", whole ? "yes" : "no",
         errno == EAGAIN ? "EAGAIN" : strerror(errno));
  printf("one byte more: %zd %s\n", write(p[1], big, 1), errno == EAGAIN ? "EAGAIN" : "?");
  errno = 0;
  printf("a large write into the full pipe: %zd %s\n", write(p[1], big, sizeof big),
         errno == EAGAIN ? "EAGAIN" : "?");
  // Make room for one PIPE_BUF (Linux frees whole pages): a large write
  // now goes in part.
  static char sink[PIPE_BUF];
  ssize_t r = read(p[0], sink, PIPE_BUF);
  printf("read PIPE_BUF: %s\n", r == PIPE_BUF ? "all" : "not all");
  w = write(p[1], big, sizeof big);
  printf("a large write with PIPE_BUF free: wrote %s\n",
         w == PIPE_BUF ? "exactly PIPE_BUF" : w > 0 ? "part, not PIPE_BUF" : "nothing");
  errno = 0;
  printf("a small write into the full pipe: %zd %s\n", write(p[1], big, 10),
         errno == EAGAIN ? "EAGAIN" : "?");
  close(p[0]);
  close(p[1]);
  printf("capacity was a whole number of PIPE_BUF writes: %s\n",
         filled % PIPE_BUF == 0 ? "yes" : "no");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  transfer("blocking", 0);
  transfer("O_NONBLOCK", 1);
  pipe_buf_rules();
  return 0;
}
