// Helpers the compat programs share (C and C++): how a result is printed,
// where the program's own file is, and time. Every program prints only
// what does not depend on the machine, the pids or the scheduling (a pid
// as "differs"/"same", a set of results sorted or summed), so its lines
// are the same under qemu-riscv64 and on Tine at any hart count.
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// stdout is a pipe under qemu-riscv64 and the console on Tine: line
// buffering on both, so a fork duplicates the same unwritten bytes.
__attribute__((constructor)) static void compat_line_buffered(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
}

// "what = value", or "what = -1 ENAME" on failure: the same text on both.
static inline void say(const char* what, long r) {
  if (r < 0)
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s = %ld\n", what, r);
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

// The program's own file: argv[0] under qemu-riscv64 (a host path) and
// under the runner (/bin/NAME).
static inline const char* self_path(const char* argv0) {
  static char buf[256];
  if (access(argv0, R_OK) == 0) return argv0;
  const char* slash = strrchr(argv0, '/');
  snprintf(buf, sizeof buf, "/bin/%s", slash ? slash + 1 : argv0);
  return buf;
}

static inline long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void nap_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}
