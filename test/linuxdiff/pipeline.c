// A shell's work without a shell: 100 four-stage pipelines, each stage this
// same program re-executed (fork + execve, or posix_spawn) with its stdin
// and stdout on pipes, the last stage's output read back and checked.
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

extern char** environ;

// A stage: adds its number to every byte it reads.
static int stage(int add) {
  char buf[256];
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) buf[i] = (char)(buf[i] + add);
    if (write(1, buf, (size_t)n) != n) return 1;
  }
  return n < 0;
}

static pid_t start(const char* self, int in, int out, int add, int use_spawn) {
  char num[8];
  snprintf(num, sizeof num, "%d", add);
  char* args[] = {(char*)self, "stage", num, NULL};
  if (use_spawn) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    pid_t pid;
    int e = posix_spawn(&pid, self, &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    return e ? -1 : pid;
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in, 0);
    dup2(out, 1);
    execve(self, args, environ);
    _exit(127);
  }
  return pid;
}

static int run_pipeline(const char* self, int round, int use_spawn) {
  int p[5][2];
  for (int i = 0; i < 5; i++)
    if (pipe2(p[i], O_CLOEXEC) != 0) return -1;
  pid_t kids[4];
  for (int s = 0; s < 4; s++) kids[s] = start(self, p[s][0], p[s + 1][1], s + 1, use_spawn);
  for (int i = 0; i < 5; i++) {
    if (i != 0) close(p[i][1]);
    if (i != 4) close(p[i][0]);
  }
  char msg[64], got[64] = {0};
  int len = snprintf(msg, sizeof msg, "round %03d", round);
  if (write(p[0][1], msg, (size_t)len) != len) return -1;
  close(p[0][1]);
  int have = 0;
  ssize_t n;
  while ((n = read(p[4][0], got + have, sizeof got - 1 - (size_t)have)) > 0) have += (int)n;
  close(p[4][0]);
  int bad = have != len;
  for (int i = 0; i < len && !bad; i++) bad = got[i] != (char)(msg[i] + 10);
  for (int s = 0; s < 4; s++) {
    int st;
    if (waitpid(kids[s], &st, 0) != kids[s] || !WIFEXITED(st) || WEXITSTATUS(st) != 0) bad = 1;
  }
  return bad;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "stage") == 0) return stage(atoi(argv[2]));
  for (int use_spawn = 0; use_spawn < 2; use_spawn++) {
    int bad = 0;
    for (int round = 0; round < 50; round++) bad += run_pipeline(argv[0], round, use_spawn) != 0;
    printf("%s: 50 four-stage pipelines, %d wrong\n", use_spawn ? "posix_spawn" : "fork+exec",
           bad);
  }
  return 0;
}
