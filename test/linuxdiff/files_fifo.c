// FIFOs made with mkfifo: opens that wait for the other end (a reader and
// a writer in two processes meet), O_NONBLOCK opens (a reader at once, a
// writer without a reader ENXIO), O_RDWR, data through, end of file when
// the writer goes, ESPIPE, fstat. Works in a fresh directory under /tmp.
#include "ld.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

int main(void) {
  char dir[] = "/tmp/ldfifoXXXXXX";
  if (!mkdtemp(dir)) return 1;
  say("chdir tmpdir", chdir(dir));
  say("mkfifo", mkfifo("p", 0600));

  say("open O_WRONLY|O_NONBLOCK, no reader", open("p", O_WRONLY | O_NONBLOCK));
  int r = open("p", O_RDONLY | O_NONBLOCK);
  say("open O_RDONLY|O_NONBLOCK", r >= 0 ? 0 : -1);
  char buf[64];
  say("read, no writer yet", read(r, buf, sizeof buf));
  int w = open("p", O_WRONLY | O_NONBLOCK);
  say("open O_WRONLY|O_NONBLOCK, with a reader", w >= 0 ? 0 : -1);
  say("write", write(w, "abc", 3));
  ssize_t n = read(r, buf, sizeof buf);
  say("read", n);
  if (n > 0) printf("got %.*s\n", (int)n, buf);
  say("read empty, writer open", read(r, buf, sizeof buf));
  say("lseek", lseek(r, 0, SEEK_SET));
  struct stat st;
  say("fstat", fstat(r, &st));
  printf("is fifo = %d mode = %o\n", S_ISFIFO(st.st_mode), st.st_mode);
  struct stat st2;
  stat("p", &st2);
  printf("fstat ino = stat ino: %d\n", st.st_ino == st2.st_ino);
  close(w);
  say("read after the writer closed", read(r, buf, sizeof buf));
  close(r);

  // Blocking opens meet: the child writes, the parent reads.
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open("p", O_WRONLY);
    if (fd < 0) _exit(1);
    if (write(fd, "from the child", 14) != 14) _exit(2);
    close(fd);
    _exit(0);
  }
  int fd = open("p", O_RDONLY);
  say("blocking open O_RDONLY", fd >= 0 ? 0 : -1);
  size_t total = 0;
  while ((n = read(fd, buf + total, sizeof buf - total)) > 0) total += n;
  printf("parent read %.*s (%zu)\n", (int)total, buf, total);
  int status;
  waitpid(pid, &status, 0);
  say("child exit", WEXITSTATUS(status));
  close(fd);

  // The other way round: the child opens to read first.
  pid = fork();
  if (pid == 0) {
    int rfd = open("p", O_RDONLY);
    if (rfd < 0) _exit(1);
    char b[16];
    ssize_t got = read(rfd, b, sizeof b);
    _exit(got == 5 && !memcmp(b, "hello", 5) ? 0 : 3);
  }
  fd = open("p", O_WRONLY);
  say("blocking open O_WRONLY", fd >= 0 ? 0 : -1);
  say("write hello", write(fd, "hello", 5));
  waitpid(pid, &status, 0);
  say("reader child exit", WEXITSTATUS(status));
  close(fd);

  // O_RDWR never waits, and sees its own bytes.
  fd = open("p", O_RDWR);
  say("open O_RDWR", fd >= 0 ? 0 : -1);
  say("write", write(fd, "xy", 2));
  say("read own bytes", read(fd, buf, 2));
  close(fd);

  say("unlink", unlink("p"));
  say("rmdir tmpdir", rmdir(dir));
  return 0;
}
