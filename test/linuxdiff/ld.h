// Helpers the linuxdiff programs share: how a result is printed, where the
// program's own binary is (a file both Linux and Tine have), and time.
#pragma once
#ifndef _GNU_SOURCE  // g++ defines it; test/compat/compat.h includes this
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// "what = value", or "what = -1 ENAME" on failure: the same text on both.
static inline void say(const char* what, long r) {
  if (r < 0)
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s = %ld\n", what, r);
}

// "what: value", or "what: -1 <strerror text>" on failure.
static inline void show_ret(const char* what, long r) {
  if (r < 0)
    printf("%s: -1 %s\n", what, strerror(errno));
  else
    printf("%s: %ld\n", what, r);
}

// The program's own file: argv[0] under qemu-riscv64 (a host path) and
// under the linuxdiff runner (/bin/NAME); /bin/NAME for a bare name.
static inline const char* self_path(const char* argv0, char* buf, size_t n) {
  if (access(argv0, R_OK) == 0) return argv0;
  const char* slash = strrchr(argv0, '/');
  snprintf(buf, n, "/bin/%s", slash ? slash + 1 : argv0);
  return buf;
}

// Monotonic time in milliseconds, and a nap of that many: all of them, a
// signal handler that runs meanwhile does not cut it short.
static inline long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// The time `ms` from now on `clock`, for absolute timeouts.
static inline struct timespec abs_after(clockid_t clock, long ms) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  ts.tv_nsec += (ms % 1000) * 1000000;
  ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
  ts.tv_nsec %= 1000000000;
  return ts;
}

static inline void nap_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}
