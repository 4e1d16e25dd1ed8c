// Helpers the linuxdiff programs share: how a result is printed, and where
// the program's own binary is (a file both Linux and Tine have).
#pragma once
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

// "what = value", or "what = -1 ENAME" on failure: the same text on both.
static inline void say(const char* what, long r) {
  if (r < 0)
    printf("%s = -1 %s\n", what, strerrorname_np(errno));
  else
    printf("%s = %ld\n", what, r);
}

// The program's own file: argv[0] under qemu-riscv64 (a host path) and
// under the linuxdiff runner (/bin/NAME); /bin/NAME for a bare name.
static inline const char* self_path(const char* argv0, char* buf, size_t n) {
  if (access(argv0, R_OK) == 0) return argv0;
  const char* slash = strrchr(argv0, '/');
  snprintf(buf, n, "/bin/%s", slash ? slash + 1 : argv0);
  return buf;
}
