// The linuxdiff runner: Tine's init for the differential suite. Runs each
// program named on its command line in turn (fork, execve, wait4) and frames
// its output, so that linuxdiff.py can cut one boot's console into
// per-program transcripts to set beside Linux's.
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int failed = 0;
  for (int i = 1; i < argc; i++) {
    char path[256];
    snprintf(path, sizeof path, "/bin/%s", argv[i]);
    printf("@@@ begin %s\n", argv[i]);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      // argv[0] is the path, as a shell passes it: a program may re-exec
      // itself through it, on Tine as under qemu-riscv64.
      char* args[] = {path, NULL};
      char* env[] = {"PATH=/bin", NULL};
      execve(path, args, env);
      _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
      printf("@@@ end %s runner-error\n", argv[i]);
      failed++;
      continue;
    }
    if (WIFEXITED(status))
      printf("@@@ end %s exit %d\n", argv[i], WEXITSTATUS(status));
    else
      printf("@@@ end %s signal %d\n", argv[i], WTERMSIG(status));
    fflush(stdout);
  }
  printf("@@@ done\n");
  return failed != 0;
}
