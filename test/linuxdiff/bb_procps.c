// BusyBox's process tools on this kernel's /proc: ps, ps -o, pidof, free,
// uptime, kill -l and kill, run as a user would (fork, exec, a pipe for
// their output) with Debian's busybox-static, and checked against what the
// program knows: its own pid, a sleeping child's pid, state and parent.
// The binary is /bin/busybox on Tine, the build's thirdparty copy on Linux.
#include "ld.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static char busybox[512];

// Runs busybox with args, its stdout and stderr into out (NUL-terminated): the exit
// status, or -1.
static int run(char* out, size_t n, const char* a1, const char* a2, const char* a3) {
  int p[2];
  if (pipe(p) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], 1);
    dup2(p[1], 2);  // its complaints too: on Tine stderr is the console
    close(p[0]);
    close(p[1]);
    execl(busybox, "busybox", a1, a2, a3, (char*)NULL);
    _exit(127);
  }
  close(p[1]);
  size_t got = 0;
  for (ssize_t r; got + 1 < n && (r = read(p[0], out + got, n - 1 - got)) > 0;) got += (size_t)r;
  out[got] = '\0';
  char sink[256];
  while (read(p[0], sink, sizeof sink) > 0) {}
  close(p[0]);
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The line of `text` whose first field is `pid`, or NULL.
static const char* line_of(const char* text, int pid) {
  for (const char* l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    char* end;
    long v = strtol(l, &end, 10);
    if (end != l && v == pid) return l;
  }
  return NULL;
}

int main(int argc, char** argv) {
  (void)argc;
  if (access("/bin/busybox", X_OK) == 0) {
    snprintf(busybox, sizeof busybox, "/bin/busybox");
  } else {
    // build/test/linuxdiff/NAME -> build/thirdparty/busybox
    snprintf(busybox, sizeof busybox, "%s", argv[0]);
    char* slash = strrchr(busybox, '/');
    snprintf(slash ? slash + 1 : busybox, sizeof busybox - (size_t)(slash ? slash + 1 - busybox : 0),
             "../../thirdparty/busybox");
  }
  static char out[65536];
  const char* me = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
  char mypid[16];
  snprintf(mypid, sizeof mypid, "%d", getpid());

  int st = run(out, sizeof out, "kill", "-l", NULL);
  printf("kill -l: status %d, first line %.*s\n", st, (int)strcspn(out, "\n"), out);
  printf("kill -l names TERM, KILL, CHLD = %d\n",
         strstr(out, "TERM") && strstr(out, "KILL") && strstr(out, "CHLD"));

  // A child asleep for the checks below.
  pid_t child = fork();
  if (child == 0) {
    for (;;) pause();
  }
  nap_ms(100);

  st = run(out, sizeof out, "ps", NULL, NULL);
  printf("ps: status %d, header %.*s\n", st, (int)strcspn(out, "\n"), out);
  const char* l = line_of(out, getpid());
  printf("ps lists us = %d, with our name = %d\n", l != NULL, l && strstr(l, me) && strstr(l, me) < strchr(l, '\n'));
  printf("ps lists the child = %d\n", line_of(out, child) != NULL);

  st = run(out, sizeof out, "ps", "-o", "pid,ppid,stat");
  l = line_of(out, child);
  int ppid = 0;
  char stat[8] = "";
  if (l) sscanf(l, "%*d %d %7s", &ppid, stat);
  printf("ps -o: status %d, child's ppid is us = %d, child's state %c\n", st, ppid == getpid(), stat[0]);

  st = run(out, sizeof out, "pidof", me, NULL);
  int found = 0;
  for (char* tok = strtok(out, " \n"); tok; tok = strtok(NULL, " \n")) found |= strcmp(tok, mypid) == 0;
  printf("pidof: status %d, names us = %d\n", st, found);

  st = run(out, sizeof out, "free", NULL, NULL);
  unsigned long total = 0, used = 0, fr = 0;
  const char* mem = strstr(out, "\nMem:");
  int fields = mem ? sscanf(mem + 5, "%lu %lu %lu", &total, &used, &fr) : 0;
  printf("free: status %d, Mem fields %d, total > 0 = %d, total >= free = %d\n", st, fields,
         total > 0, total >= fr);

  st = run(out, sizeof out, "uptime", NULL, NULL);
  printf("uptime: status %d, up = %d, load average = %d\n", st, strstr(out, " up ") != NULL,
         strstr(out, "load average: ") != NULL);

  char cpid[16];
  snprintf(cpid, sizeof cpid, "%d", child);
  printf("kill -0 child = %d\n", run(out, sizeof out, "kill", "-0", cpid));
  printf("kill -TERM child = %d\n", run(out, sizeof out, "kill", "-TERM", cpid));
  int status = 0;
  waitpid(child, &status, 0);
  printf("child ended by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  printf("kill -0 reaped child = %d\n", run(out, sizeof out, "kill", "-0", cpid));
  return 0;
}
