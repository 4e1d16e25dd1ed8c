// unshare(CLONE_FILES|CLONE_FS) in one thread of a threaded process: the
// thread gets a descriptor table and a cwd of its own (copies of the
// shared ones), which it then changes alone; main's and the other
// threads' stay as they were, and what it opened before unsharing stays
// in the shared table. In a process whose table nobody else holds it
// changes nothing. CLONE_THREAD and CLONE_VM are refused while another
// thread lives.
#include "compat.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>

static int fd_a, fd_b = -1, fd_c = -1;

static int fd_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

static int cwd_is(const char* want) {
  char buf[256];
  return getcwd(buf, sizeof buf) && strcmp(buf, want) == 0;
}

static void* body(void* arg) {
  (void)arg;
  fd_b = open("/", O_RDONLY | O_DIRECTORY);  // shared table: main's too
  // Not while another thread lives (CLONE_VM implies CLONE_SIGHAND, which
  // implies CLONE_THREAD).
  say("thread: unshare(CLONE_THREAD)", unshare(CLONE_THREAD));
  say("thread: unshare(CLONE_VM)", unshare(CLONE_VM));
  say("thread: unshare(CLONE_FILES|CLONE_FS)", unshare(CLONE_FILES | CLONE_FS));
  fd_c = open("/", O_RDONLY | O_DIRECTORY);  // its own table only
  say("thread: close main's fd", close(fd_a));
  say("thread: chdir /tmp", chdir("/tmp"));
  printf("thread: old umask %o, cwd /tmp %d, fd b open %d, fd c open %d\n", umask(077),
         cwd_is("/tmp"), fd_open(fd_b), fd_open(fd_c));
  return NULL;
}

int main(void) {
  CHECK(chdir("/") == 0);
  umask(022);
  fd_a = open("/", O_RDONLY | O_DIRECTORY);
  CHECK(fd_a >= 0);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, body, NULL) == 0);
  CHECK(pthread_join(t, NULL) == 0);
  printf("main: fd a open %d, fd b open %d, fd c open %d (c differs from a and b %d)\n",
         fd_open(fd_a), fd_open(fd_b), fd_open(fd_c), fd_c != fd_a && fd_c != fd_b);
  printf("main: cwd / %d, umask %o\n", cwd_is("/"), umask(022));
  // Alone now: nothing shared, nothing changes.
  say("main: unshare(CLONE_FILES|CLONE_FS)", unshare(CLONE_FILES | CLONE_FS));
  printf("main: fd a open %d, cwd / %d\n", fd_open(fd_a), cwd_is("/"));
  say("unshare(0)", unshare(0));
  return 0;
}
