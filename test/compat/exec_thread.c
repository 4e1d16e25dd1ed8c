// execve from a thread other than main: the other threads end (they
// never print), the new image runs as the process with its pid, and the
// exec'd program can start threads of its own.
#include "compat.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static const char* self;
static pid_t pid_before;

static void* spinner(void* arg) {
  (void)arg;
  for (;;) {
    nap_ms(2);
    (void)!write(1, "", 0);
  }
  return NULL;
}
static void* execer(void* arg) {
  (void)arg;
  nap_ms(10);
  char pid[16];
  snprintf(pid, sizeof pid, "%d", (int)pid_before);
  char* args[] = {(char*)self, "after", pid, NULL};
  execv(self, args);
  printf("exec failed: %s\n", strerrorname_np(errno));
  exit(1);
}
static void* square(void* arg) { return (void*)((long)arg * (long)arg); }

int main(int argc, char** argv) {
  if (argc > 2) {
    pthread_t t;
    void* r;
    CHECK(pthread_create(&t, NULL, square, (void*)12) == 0);
    pthread_join(t, &r);
    printf("new image: same pid %d, tid is pid %d, a new thread gives %ld\n",
           atoi(argv[2]) == getpid(), syscall(SYS_gettid) == getpid(), (long)r);
    return 4;
  }
  self = self_path(argv[0]);
  pid_t k = fork();
  if (k == 0) {
    pid_before = getpid();
    pthread_t a, b, c;
    CHECK(pthread_create(&a, NULL, spinner, NULL) == 0);
    CHECK(pthread_create(&b, NULL, spinner, NULL) == 0);
    CHECK(pthread_create(&c, NULL, execer, NULL) == 0);
    for (;;) pause();
  }
  int st;
  CHECK(waitpid(k, &st, 0) == k);
  printf("exec'd from a thread: exit %d\n", WEXITSTATUS(st));
  return 0;
}
