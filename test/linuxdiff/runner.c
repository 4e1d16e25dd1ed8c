// The linuxdiff runner: Tine's init for the differential suite. Runs each
// program named in /etc/ldlist (one per line) in turn (fork, execve, wait4)
// and frames its output, so that linuxdiff.py can cut one boot's console
// into per-program transcripts to set beside Linux's.
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int failed = 0;
  FILE* list = fopen("/etc/ldlist", "r");
  if (!list) {
    printf("@@@ runner-error: no /etc/ldlist\n");
    return 1;
  }
  // Read whole and closed before the first program runs: no program may
  // inherit a descriptor of ours.
  static char names[256][128];
  int count = 0;
  while (count < 256 && fscanf(list, "%127s", names[count]) == 1) count++;
  fclose(list);
  for (int i = 0; i < count; i++) {
    const char* name = names[i];
    char path[256];
    snprintf(path, sizeof path, "/bin/%.127s", name);
    printf("@@@ begin %s\n", name);
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
      printf("@@@ end %s runner-error\n", name);
      failed++;
      continue;
    }
    if (WIFEXITED(status))
      printf("@@@ end %s exit %d\n", name, WEXITSTATUS(status));
    else
      printf("@@@ end %s signal %d\n", name, WTERMSIG(status));
    fflush(stdout);
  }
  printf("@@@ done\n");
  return failed != 0;
}
