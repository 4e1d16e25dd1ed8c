// Helpers the compat programs share (C and C++): how a result is printed,
// where the program's own file is, time, and a descriptor sent over a
// socket. Every program prints only what does not depend on the machine,
// the pids or the scheduling (a pid as "differs"/"same", a set of results
// sorted or summed), so its lines are the same under qemu-riscv64 and on
// Tine at any hart count.
#pragma once
// say, self_path, now_ms and nap_ms: test/linuxdiff's, shared.
#include "../linuxdiff/ld.h"
#include <stdlib.h>
#include <sys/socket.h>

// stdout is a pipe under qemu-riscv64 and the console on Tine: line
// buffering on both, so a fork duplicates the same unwritten bytes.
__attribute__((constructor)) static void compat_line_buffered(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
}

// "what = 0" or "what = ENAME" for the calls that return an error number.
static inline void say_err(const char* what, int err) {
  printf("%s = %s\n", what, err ? strerrorname_np(err) : "0");
}

// Stops the program with a line naming what went wrong (the other side
// then prints something else, so the difference shows).
#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      printf("check failed: %s (line %d, errno %s)\n", #cond, __LINE__,     \
             strerrorname_np(errno) ? strerrorname_np(errno) : "0");        \
      fflush(stdout);                                                       \
      _exit(99);                                                            \
    }                                                                       \
  } while (0)

// The compat programs' one-argument self_path(argv0): ld.h's, into a
// buffer of its own (the pointer stays good for the program's life).
static inline const char* compat_self_path(const char* argv0) {
  static char buf[256];
  return self_path(argv0, buf, sizeof buf);
}
#define self_path(argv0) compat_self_path(argv0)

// One descriptor rides with len bytes of data (SCM_RIGHTS); sendmsg's result.
static inline long send_with_fd(int s, const void* data, size_t len, int fd) {
  char ctl[CMSG_SPACE(sizeof(int))];
  memset(ctl, 0, sizeof ctl);
  struct iovec v = {(void*)data, len};
  struct msghdr m = {0};
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  struct cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return sendmsg(s, &m, 0);
}

// Up to n bytes into data, and into *fd the descriptor that came with
// them (-1 if none); recvmsg's result.
static inline long recv_with_fd(int s, void* data, size_t n, int* fd, int flags) {
  char ctl[CMSG_SPACE(sizeof(int))];
  struct iovec v = {data, n};
  struct msghdr m = {0};
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  long r = recvmsg(s, &m, flags);
  struct cmsghdr* c = r >= 0 ? CMSG_FIRSTHDR(&m) : NULL;
  *fd = -1;
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
    memcpy(fd, CMSG_DATA(c), sizeof *fd);
  return r;
}
