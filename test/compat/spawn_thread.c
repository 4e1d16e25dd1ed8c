// Process creation from threads: posix_spawn, vfork+exec, system and
// popen called from four threads at once, each waiting for its own child.
#include "compat.h"

#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;
static const char* self;

static int spawn_one(long i) {
  char code[24];
  snprintf(code, sizeof code, "%ld", 10 + i);
  char* args[] = {(char*)self, "exit", code, NULL};
  pid_t p;
  if (posix_spawn(&p, self, NULL, NULL, args, environ) != 0) return -1;
  int st;
  if (waitpid(p, &st, 0) != p) return -2;
  return WEXITSTATUS(st);
}

static int vfork_one(long i) {
  char code[24];
  snprintf(code, sizeof code, "%ld", 20 + i);
  char* args[] = {(char*)self, "exit", code, NULL};
  pid_t p = vfork();
  if (p == 0) {
    execv(self, args);
    _exit(127);
  }
  int st;
  if (p < 0 || waitpid(p, &st, 0) != p) return -2;
  return WEXITSTATUS(st);
}

static int system_one(long i) {
  char cmd[40];
  snprintf(cmd, sizeof cmd, "exit %ld", 30 + i);
  return WEXITSTATUS(system(cmd));
}

static int popen_one(long i) {
  char cmd[40], line[32] = {0};
  snprintf(cmd, sizeof cmd, "echo %ld", 40 + i);
  FILE* f = popen(cmd, "r");
  if (!f || !fgets(line, sizeof line, f)) return -1;
  pclose(f);
  return atoi(line);
}

static void* worker(void* arg) {
  long i = (long)arg;
  long bad = 0;
  for (int round = 0; round < 5; round++) {
    bad += spawn_one(i) != 10 + i;
    bad += vfork_one(i) != 20 + i;
    bad += system_one(i) != 30 + i;
    bad += popen_one(i) != 40 + i;
  }
  return (void*)bad;
}

int main(int argc, char** argv) {
  if (argc > 2) return atoi(argv[2]);
  self = self_path(argv[0]);
  pthread_t t[4];
  for (long i = 0; i < 4; i++) CHECK(pthread_create(&t[i], NULL, worker, (void*)i) == 0);
  long bad = 0;
  for (int i = 0; i < 4; i++) {
    void* r;
    pthread_join(t[i], &r);
    bad += (long)r;
  }
  printf("80 children from 4 threads, wrong statuses %ld\n", bad);
  errno = 0;
  printf("none left: %d\n", wait(NULL) == -1 && errno == ECHILD);
  return 0;
}
