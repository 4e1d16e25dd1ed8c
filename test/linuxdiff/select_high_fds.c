// select on descriptors past the first 64, as a program with many files
// open does: glibc's fd_set holds 1024. A pipe's ends are moved to 700
// and 701 and a second pipe to 130 and 131; select sees each end's
// readiness in the right word of the set, clears what is not ready, and
// answers EBADF for a closed descriptor named past 64. An n larger than
// the table (Linux clips it to the table's size) is no error.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

static void show(const char* what, int r, fd_set* rd, fd_set* wr) {
  if (r < 0) {
    printf("%s: -1 %s\n", what, strerrorname_np(errno));
    return;
  }
  printf("%s: %d ready:", what, r);
  for (int fd = 0; fd < FD_SETSIZE; fd++) {
    if (rd && FD_ISSET(fd, rd)) printf(" r%d", fd);
    if (wr && FD_ISSET(fd, wr)) printf(" w%d", fd);
  }
  printf("\n");
}

static void move(int from, int to) {
  if (dup2(from, to) != to) printf("dup2 %d: %s\n", to, strerrorname_np(errno));
  close(from);
}

int main(void) {
  int a[2], b[2];
  if (pipe(a) || pipe(b)) return 1;
  move(a[0], 700);
  move(a[1], 701);
  move(b[0], 130);
  move(b[1], 131);
  struct timeval zero = {0, 0};
  fd_set rd, wr;

  // Nothing written: only the write ends are ready.
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_SET(700, &rd);
  FD_SET(130, &rd);
  FD_SET(701, &wr);
  FD_SET(131, &wr);
  show("empty pipes", select(702, &rd, &wr, NULL, &zero), &rd, &wr);

  // A byte in the high pipe: its read end is ready too.
  if (write(701, "x", 1) != 1) return 1;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_SET(700, &rd);
  FD_SET(130, &rd);
  show("high pipe written", select(702, &rd, &wr, NULL, &zero), &rd, &wr);

  // n stops short of 700: the high descriptor is not looked at.
  FD_ZERO(&rd);
  FD_SET(700, &rd);
  FD_SET(130, &rd);
  show("n = 200", select(200, &rd, NULL, NULL, &zero), &rd, NULL);

  // A closed descriptor past 64 in a set: EBADF.
  FD_ZERO(&rd);
  FD_SET(500, &rd);
  show("closed 500", select(702, &rd, NULL, NULL, &zero), NULL, NULL);

  // A blocking select wakes for a byte on the low pipe written by a child.
  if (fork() == 0) {
    usleep(100 * 1000);
    if (write(131, "y", 1) != 1) _exit(1);
    _exit(0);
  }
  char c;
  if (read(700, &c, 1) != 1) return 1;
  FD_ZERO(&rd);
  FD_SET(700, &rd);
  FD_SET(130, &rd);
  struct timeval five = {5, 0};
  show("wait for the child", select(FD_SETSIZE, &rd, NULL, NULL, &five), &rd, NULL);
  return 0;
}
