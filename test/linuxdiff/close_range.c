// close_range(2) (Linux 5.9, fs/file.c): closes a range of descriptors or
// marks them close-on-exec; EINVAL for an unknown flag and for first >
// last; a range past the table or over free numbers is fine. glibc's
// closefrom and posix_spawn's addclosefrom_np call it.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long cr(unsigned first, unsigned last, unsigned flags) {
  return syscall(SYS_close_range, first, last, flags);
}

static void say(const char* what, long r) {
  if (r < 0)
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s = %ld\n", what, r);
}

// Descriptors 3..12: which are open, which close-on-exec.
static void show(const char* what) {
  printf("%-28s", what);
  for (int fd = 3; fd < 13; fd++) {
    int f = fcntl(fd, F_GETFD);
    printf(" %c", f < 0 ? '.' : (f & FD_CLOEXEC) ? 'c' : 'o');
  }
  printf("\n");
}

static void reopen(void) {
  for (int fd = 3; fd < 13; fd++)
    if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDONLY) != fd) printf("open gave another number\n");
}

int main(void) {
  reopen();
  show("3..12 open");
  say("close_range(5, 7, 0)", cr(5, 7, 0));
  show("after");
  say("close_range(9, 9, 0)", cr(9, 9, 0));
  show("after");
  say("close_range(5, 7, 0) again", cr(5, 7, 0));
  reopen();
  say("close_range(4, 6, CLOEXEC)", cr(4, 6, 4));
  show("after");
  say("close_range(11, ~0U, 0)", cr(11, ~0U, 0));
  show("after");
  say("close_range(1000, 2000, 0)", cr(1000, 2000, 0));
  say("close_range(7, 5, 0)", cr(7, 5, 0));
  say("close_range(3, 4, 1)", cr(3, 4, 1));
  say("close_range(3, 4, 8)", cr(3, 4, 8));
  show("unchanged");
  say("close_range(3, 4, UNSHARE)", cr(3, 4, 2));
  show("after");
  say("closefrom(6) via close_range", cr(6, ~0U, 0));
  show("after");
  return 0;
}
