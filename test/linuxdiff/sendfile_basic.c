// sendfile(2) (fs/read_write.c do_sendfile): from a regular file to a
// file, a pipe and stdout (a pipe under qemu-user, the console on Tine),
// with an offset pointer (which advances, the file position staying) or
// the file position (which advances); to end of file; through a pipe
// larger than it holds; and the errors: EBADF (a bad descriptor, one not
// open for reading or writing), ESPIPE (an offset on a pipe), EINVAL (a
// pipe or a directory as input, a negative offset, an O_APPEND output),
// EFAULT (the offset pointer), EPIPE (no reader). BusyBox's cat uses it.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIZE 10000

static char data[SIZE];

static void say(const char* what, ssize_t r) {
  if (r < 0)
    printf("%s: -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s: %zd\n", what, r);
}

static unsigned sum(const char* p, size_t n) {
  unsigned s = 0;
  for (size_t i = 0; i < n; i++) s = s * 31 + (unsigned char)p[i];
  return s;
}

static void check_file(const char* what, int fd, off_t from, size_t n) {
  char buf[SIZE];
  ssize_t got = pread(fd, buf, sizeof buf, 0);
  printf("%s: %zd bytes, %s\n", what, got,
         got == (ssize_t)n && sum(buf, n) == sum(data + from, n) ? "same bytes" : "DIFFERENT");
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);  // a pipe under qemu, the console on Tine: one order
  for (int i = 0; i < SIZE; i++) data[i] = (char)('a' + (i * 7 + i / 26) % 26);
  const char* src = "/tmp/sendfile.src";
  int w = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (w < 0 || write(w, data, SIZE) != SIZE) return 1;
  close(w);
  int in = open(src, O_RDONLY);
  int out = open("/tmp/sendfile.dst", O_RDWR | O_CREAT | O_TRUNC, 0644);

  // An offset pointer: it advances, the file position does not.
  off_t off = 100;
  say("file to file, 5000 from 100", sendfile(out, in, &off, 5000));
  printf("offset now %lld, in's position %lld, out's position %lld\n", (long long)off,
         (long long)lseek(in, 0, SEEK_CUR), (long long)lseek(out, 0, SEEK_CUR));
  check_file("destination", out, 100, 5000);
  // The file position: from it, and it advances; short at end of file.
  ftruncate(out, 0);
  lseek(out, 0, SEEK_SET);
  lseek(in, 1000, SEEK_SET);
  say("from the position 1000, 20000 asked", sendfile(out, in, NULL, 20000));
  printf("in's position %lld\n", (long long)lseek(in, 0, SEEK_CUR));
  check_file("destination", out, 1000, SIZE - 1000);
  say("at end of file", sendfile(out, in, NULL, 100));
  off = SIZE + 50;
  say("offset past the end", sendfile(out, in, &off, 100));
  off = 0;
  say("count 0", sendfile(out, in, &off, 0));

  // To a pipe: a small piece, then more than the pipe holds to a reader.
  int p[2];
  if (pipe(p) != 0) return 1;
  off = 0;
  say("file to pipe, 3000", sendfile(p[1], in, &off, 3000));
  char buf[SIZE];
  ssize_t got = read(p[0], buf, sizeof buf);
  printf("pipe gave %zd, %s\n", got, got == 3000 && sum(buf, 3000) == sum(data, 3000) ? "same bytes" : "DIFFERENT");
  fflush(stdout);
  pid_t k = fork();
  if (k == 0) {
    close(p[1]);
    size_t total = 0;
    unsigned s = 0;
    ssize_t n;
    while ((n = read(p[0], buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < n; i++) s = s * 31 + (unsigned char)buf[i];
      total += n;
    }
    printf("  reader got %zu, %s\n", total, s == sum(data, SIZE) ? "same bytes" : "DIFFERENT");
    fflush(stdout);
    _exit(0);
  }
  off = 0;
  say("file to pipe with a reader, all", sendfile(p[1], in, &off, SIZE));
  close(p[1]);
  int st;
  waitpid(k, &st, 0);
  close(p[0]);

  // To stdout.
  w = open("/tmp/sendfile.msg", O_RDWR | O_CREAT | O_TRUNC, 0644);
  const char msg[] = "a line through sendfile\n";
  if (write(w, msg, sizeof msg - 1) != sizeof msg - 1) return 1;
  fflush(stdout);
  off = 0;
  ssize_t r = sendfile(1, w, &off, 100);
  say("file to stdout", r);

  // Errors.
  if (pipe(p) != 0) return 1;
  say("bad in", sendfile(out, 99, NULL, 10));
  say("bad out", sendfile(99, in, NULL, 10));
  say("out not writable", sendfile(in, in, NULL, 10));
  int wo = open(src, O_WRONLY);
  say("in not readable", sendfile(out, wo, NULL, 10));
  off = 0;
  say("in a pipe, with an offset", sendfile(out, p[0], &off, 10));
  if (write(p[1], "xy", 2) != 2) return 1;
  say("in a pipe, no offset", sendfile(out, p[0], NULL, 10));
  int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
  off = 0;
  say("in a directory", sendfile(out, dir, &off, 10));
  off = -1;
  say("negative offset", sendfile(out, in, &off, 10));
  say("bad offset pointer", sendfile(out, in, (off_t*)8, 10));
  int app = open("/tmp/sendfile.dst", O_WRONLY | O_APPEND);
  off = 0;
  say("out O_APPEND", sendfile(app, in, &off, 10));
  signal(SIGPIPE, SIG_IGN);
  close(p[0]);
  off = 0;
  say("no reader", sendfile(p[1], in, &off, 10));
  unlink(src);
  unlink("/tmp/sendfile.dst");
  unlink("/tmp/sendfile.msg");
  return 0;
}
