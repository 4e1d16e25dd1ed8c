// clone(CLONE_FILES) shares the descriptor table itself (issue 7, "what
// fork shares must be observable"): descriptor flags, descriptors opened
// and closed by the child, and the open files' offsets and status flags
// are all the parent's. A raw clone without CLONE_VM, as fork1's
// FORK_SHAREFILES branch; fd_share.c covers the copied table.
//
// qemu-user refuses CLONE_FILES without CLONE_VM (EINVAL), so
// files_clone_share.expected holds Linux's lines.
#define _GNU_SOURCE
#include "ld.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>


static long cur(int fd) { return lseek(fd, 0, SEEK_CUR); }

// A child on the parent's table (no CLONE_VM: it has its own memory, so
// glibc calls are safe in it). Returns the child's exit status, or -1.
static int in_shared_child(int (*fn)(void*), void* arg) {
  long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
  if (pid < 0) {
    say("clone(CLONE_FILES|SIGCHLD)", pid);
    return -1;
  }
  if (pid == 0) _exit(fn(arg));
  int st = -1;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return -1;
  return WEXITSTATUS(st);
}

struct Args {
  const char* path;
  int fd, d, opened;
};

// Moves the offset, sets a status flag and a descriptor flag, opens the
// file again and closes the dup: all of it lands in the shared table.
static int child_changes(void* p) {
  struct Args* a = p;
  if (lseek(a->fd, 100, SEEK_SET) != 100) return 101;
  if (fcntl(a->fd, F_SETFL, O_NONBLOCK) != 0) return 102;
  if (fcntl(a->fd, F_SETFD, FD_CLOEXEC) != 0) return 103;
  a->opened = open(a->path, O_RDONLY);
  if (a->opened < 0) return 105;
  if (lseek(a->opened, 9, SEEK_SET) != 9) return 106;
  if (close(a->d) != 0) return 104;
  return a->opened;  // the number, for the parent to look at
}

static int child_reports_fd_flag(void* p) {
  struct Args* a = p;
  return fcntl(a->fd, F_GETFD);
}

int main(int argc, char** argv) {
  (void)argc;
  setvbuf(stdout, NULL, _IOLBF, 0);
  char buf[256];
  struct Args a;
  a.path = self_path(argv[0], buf, sizeof buf);
  a.fd = open(a.path, O_RDONLY);
  a.d = dup(a.fd);
  a.opened = -1;
  if (a.fd < 0 || a.d < 0) {
    printf("cannot open myself\n");
    return 1;
  }
  int n = in_shared_child(child_changes, &a);
  printf("child ran and opened a descriptor: %d\n", n >= 0 && n < 100);
  if (n < 0 || n >= 100) return 1;
  say("offset after the child's lseek", cur(a.fd));
  say("F_GETFL & O_NONBLOCK after the child's F_SETFL", fcntl(a.fd, F_GETFL) & O_NONBLOCK);
  say("F_GETFD after the child's F_SETFD (shared table)", fcntl(a.fd, F_GETFD));
  say("the dup the child closed", fcntl(a.d, F_GETFD));
  say("the descriptor the child opened", fcntl(n, F_GETFD));
  say("and its offset", cur(n));

  say("F_SETFD 0 here", fcntl(a.fd, F_SETFD, 0));
  say("the child sees F_GETFD", in_shared_child(child_reports_fd_flag, &a));
  say("F_SETFD FD_CLOEXEC here", fcntl(a.fd, F_SETFD, FD_CLOEXEC));
  say("the child sees F_GETFD", in_shared_child(child_reports_fd_flag, &a));
  return 0;
}
