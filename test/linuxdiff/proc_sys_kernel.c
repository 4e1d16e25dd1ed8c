// /proc/sys/kernel's files that programs read (LTP's fork13, tkill02 and
// wait402 read pid_max, wait403 tainted, waitid10 core_pattern): one value
// and a newline each, consistent with what the kernel does. qemu-user shows
// the host's /proc, so the lines say what holds on any Linux rather than
// the host's numbers: pid_max is above every pid and tid the program sees,
// threads-max above the threads it makes, ostype/osrelease/version/hostname
// are what uname says, and the release is a Linux one (LTP skips tests by
// it).
#include "ld.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

// The file's text, NUL-terminated; "" when it cannot be read.
static const char* slurp(const char* name) {
  static char buf[512];
  char path[128];
  snprintf(path, sizeof path, "/proc/sys/kernel/%s", name);
  FILE* f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
  if (f) fclose(f);
  buf[n] = '\0';
  return buf;
}

// A decimal number and a newline, nothing else: the value, or -1.
static long number(const char* name) {
  const char* s = slurp(name);
  char* end;
  long v = strtol(s, &end, 10);
  return end != s && strcmp(end, "\n") == 0 ? v : -1;
}

// The text is `want` and a newline.
static const char* is_line(const char* name, const char* want) {
  const char* s = slurp(name);
  size_t n = strlen(want);
  return strncmp(s, want, n) == 0 && strcmp(s + n, "\n") == 0 ? "yes" : "no";
}

static void* thread_tid(void* arg) {
  *(long*)arg = syscall(SYS_gettid);
  return NULL;
}

int main(void) {
  long pid_max = number("pid_max");
  printf("pid_max a number >= 301 (Linux's least): %s\n", pid_max >= 301 ? "yes" : "no");
  long highest = getpid();
  for (int i = 0; i < 20; i++) {
    pid_t c = fork();
    if (c == 0) _exit(0);
    if (c > highest) highest = c;
    waitpid(c, NULL, 0);
  }
  enum { kThreads = 8 };
  pthread_t t[kThreads];
  long tids[kThreads];
  for (int i = 0; i < kThreads; i++) pthread_create(&t[i], NULL, thread_tid, &tids[i]);
  for (int i = 0; i < kThreads; i++) {
    pthread_join(t[i], NULL);
    if (tids[i] > highest) highest = tids[i];
  }
  printf("every pid and tid below pid_max: %s\n", highest < pid_max ? "yes" : "no");

  long threads_max = number("threads-max");
  printf("threads-max a number above the threads made: %s\n",
         threads_max > kThreads + 1 ? "yes" : "no");
  printf("tainted: %ld\n", number("tainted"));
  printf("core_pattern: %s", slurp("core_pattern"));

  struct utsname u;
  uname(&u);
  printf("ostype is uname's sysname: %s\n", is_line("ostype", u.sysname));
  printf("osrelease is uname's release: %s\n", is_line("osrelease", u.release));
  printf("version is uname's version: %s\n", is_line("version", u.version));
  printf("hostname is uname's nodename: %s\n", is_line("hostname", u.nodename));
  int major = 0, minor = -1;
  sscanf(u.release, "%d.%d", &major, &minor);
  printf("release a Linux one, 5.16 or later: %s\n",
         major > 5 || (major == 5 && minor >= 16) ? "yes" : "no");

  // The directory lists them.
  const char* want[] = {"core_pattern", "hostname", "osrelease", "ostype",
                        "pid_max",      "tainted",  "threads-max", "version"};
  int found = 0;
  DIR* d = opendir("/proc/sys/kernel");
  for (struct dirent* e; d && (e = readdir(d));)
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
      if (strcmp(e->d_name, want[i]) == 0) found++;
  if (d) closedir(d);
  printf("listed in /proc/sys/kernel: %d of %zu\n", found, sizeof want / sizeof want[0]);
  return 0;
}
