// /dev and /proc as a program sees them: the memory devices (null, zero,
// full, random, urandom) with their device numbers and errors, and what
// ps and friends read of /proc: /proc/self/{stat,status,cmdline,exe,fd},
// /proc/self itself, a zombie child's stat, and the system files. Prints
// relations (the pid in stat is getpid()), never raw pids or numbers.
#include "ld.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

// The whole of a small file into buf (NUL-terminated): its length, or -1.
static long slurp(const char* path, char* buf, size_t n) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  size_t got = 0;
  for (;;) {
    ssize_t r = read(fd, buf + got, n - 1 - got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  buf[got] = '\0';
  return (long)got;
}

static void device(const char* path, unsigned maj, unsigned min) {
  struct stat st;
  int r = stat(path, &st);
  printf("%s: stat %d chr %d %u:%u (want %u:%u) mode %o\n", path, r, S_ISCHR(st.st_mode),
         major(st.st_rdev), minor(st.st_rdev), maj, min, st.st_mode & 0777);
}

static int all_zero(const unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

static void devices(void) {
  static unsigned char buf[10000];
  device("/dev/null", 1, 3);
  device("/dev/zero", 1, 5);
  device("/dev/full", 1, 7);
  device("/dev/random", 1, 8);
  device("/dev/urandom", 1, 9);

  int fd = open("/dev/null", O_RDWR);
  say("null read", read(fd, buf, sizeof buf));
  say("null write", write(fd, "hello", 5));
  say("null write bad pointer", syscall(SYS_write, fd, (void*)8, 100));
  close(fd);

  fd = open("/dev/zero", O_RDONLY);
  memset(buf, 'x', sizeof buf);
  say("zero read", read(fd, buf, sizeof buf));
  printf("zero all zero = %d\n", all_zero(buf, sizeof buf));
  say("zero read bad pointer", syscall(SYS_read, fd, (void*)8, 100));
  say("zero write rdonly", write(fd, "x", 1));
  close(fd);

  fd = open("/dev/full", O_RDWR);
  say("full write", write(fd, "x", 1));
  memset(buf, 'x', 100);
  say("full read", read(fd, buf, 100));
  printf("full all zero = %d\n", all_zero(buf, 100));
  close(fd);

  unsigned char a[64], b[64];
  fd = open("/dev/urandom", O_RDONLY);
  say("urandom read", read(fd, a, sizeof a));
  say("urandom read again", read(fd, b, sizeof b));
  printf("urandom differs = %d, not zero = %d\n", memcmp(a, b, sizeof a) != 0, !all_zero(a, 64));
  say("urandom write", write(open("/dev/urandom", O_WRONLY), "seed", 4));
  close(fd);
  fd = open("/dev/random", O_RDONLY);
  say("random read", read(fd, a, sizeof a));
  close(fd);
}

// Fields of a stat line after the comm, which ends at the last ')'.
static int stat_fields(char* line, char** field, int max) {
  char* p = strrchr(line, ')');
  if (!p) return -1;
  int n = 0;
  for (char* tok = strtok(p + 2, " \n"); tok && n < max; tok = strtok(NULL, " \n")) field[n++] = tok;
  return n;
}

static void self_stat(void) {
  char buf[4096], *f[64];
  say("self stat read", slurp("/proc/self/stat", buf, sizeof buf) > 0 ? 0 : -1);
  printf("stat pid is getpid = %d\n", atoi(buf) == getpid());
  char* open_paren = strchr(buf, '(');
  char* close_paren = strrchr(buf, ')');
  printf("stat comm = %.*s\n", (int)(close_paren - open_paren - 1), open_paren + 1);
  int n = stat_fields(buf, f, 64);
  printf("stat fields >= 40 = %d\n", n + 2 >= 40);
  printf("stat state = %s\n", f[0]);
  printf("stat ppid is getppid = %d\n", atoi(f[1]) == getppid());
  printf("stat pgrp is getpgrp = %d\n", atoi(f[2]) == getpgrp());
  printf("stat session is getsid = %d\n", atoi(f[3]) == getsid(0));
}

static const char* status_field(const char* text, const char* key, char* out, size_t n) {
  size_t k = strlen(key);
  for (const char* line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    if (strncmp(line, key, k) == 0 && line[k] == ':') {
      const char* v = line + k + 1;
      while (*v == '\t' || *v == ' ') v++;
      size_t len = strcspn(v, "\n");
      snprintf(out, n, "%.*s", (int)(len < n ? len : n - 1), v);
      return out;
    }
  }
  snprintf(out, n, "(missing)");
  return out;
}

static void self_status(void) {
  char buf[8192], v[256];
  say("self status read", slurp("/proc/self/status", buf, sizeof buf) > 0 ? 0 : -1);
  printf("status State = %s\n", status_field(buf, "State", v, sizeof v));
  printf("status Pid is getpid = %d\n", atoi(status_field(buf, "Pid", v, sizeof v)) == getpid());
  printf("status PPid is getppid = %d\n",
         atoi(status_field(buf, "PPid", v, sizeof v)) == getppid());
  unsigned u[4];
  int n = sscanf(status_field(buf, "Uid", v, sizeof v), "%u %u %u %u", &u[0], &u[1], &u[2], &u[3]);
  printf("status Uid fields = %d, real is getuid = %d\n", n, n == 4 && u[0] == getuid());
  printf("status Threads = %s\n", status_field(buf, "Threads", v, sizeof v));
  printf("status SigBlk digits = %zu\n", strlen(status_field(buf, "SigBlk", v, sizeof v)));
  printf("status VmRSS unit = %s\n", strstr(status_field(buf, "VmRSS", v, sizeof v), " kB") ? "kB" : v);
}

static void self_links(int argc, char** argv) {
  char buf[4096], want[32];
  long n = slurp("/proc/self/cmdline", buf, sizeof buf);
  long expect = 0;
  for (int i = 0; i < argc; i++) expect += (long)strlen(argv[i]) + 1;
  printf("cmdline length is argv's = %d\n", n == expect);
  printf("cmdline second arg = %s\n", n > 0 && (long)strlen(buf) + 1 < n ? buf + strlen(buf) + 1 : "(none)");

  ssize_t r = readlink("/proc/self", buf, sizeof buf - 1);
  buf[r > 0 ? r : 0] = '\0';
  snprintf(want, sizeof want, "%d", getpid());
  printf("/proc/self is getpid = %d\n", strcmp(buf, want) == 0);
  r = readlink("/proc/self/exe", buf, sizeof buf - 1);
  buf[r > 0 ? r : 0] = '\0';
  const char* base = strrchr(buf, '/');
  printf("exe basename = %s\n", base ? base + 1 : buf);

  int p[2];
  if (pipe(p) != 0) return;
  int nul = open("/dev/null", O_WRONLY);
  snprintf(want, sizeof want, "/proc/self/fd/%d", p[0]);
  r = readlink(want, buf, sizeof buf - 1);
  buf[r > 0 ? r : 0] = '\0';
  printf("fd of a pipe = %.6s ... %s\n", buf, buf[r > 0 ? r - 1 : 0] == ']' ? "]" : "?");
  snprintf(want, sizeof want, "/proc/self/fd/%d", nul);
  r = readlink(want, buf, sizeof buf - 1);
  buf[r > 0 ? r : 0] = '\0';
  printf("fd of /dev/null = %s\n", buf);
  say("fd not open", readlink("/proc/self/fd/60", buf, sizeof buf));

  // The listing holds the three new descriptors.
  DIR* d = opendir("/proc/self/fd");
  int seen = 0;
  for (struct dirent* e; d && (e = readdir(d));) {
    int fd = atoi(e->d_name);
    if (e->d_name[0] != '.' && (fd == p[0] || fd == p[1] || fd == nul)) seen++;
  }
  if (d) closedir(d);
  printf("fd dir lists the new fds = %d\n", seen);
  close(p[0]);
  close(p[1]);
  close(nul);
}

static void zombie(void) {
  pid_t pid = fork();
  if (pid == 0) _exit(3);
  siginfo_t si;
  waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
  char path[64], buf[4096], *f[64];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  long n = slurp(path, buf, sizeof buf);
  printf("zombie stat read = %d\n", n > 0);
  if (n > 0) {
    stat_fields(buf, f, 64);
    printf("zombie state = %s, ppid is us = %d\n", f[0], atoi(f[1]) == getpid());
  }
  waitpid(pid, NULL, 0);
  say("reaped stat open", open(path, O_RDONLY));
}

static void system_files(void) {
  char buf[16384];
  unsigned long total = 0;
  slurp("/proc/meminfo", buf, sizeof buf);
  printf("meminfo MemTotal parsed = %d\n", sscanf(buf, "MemTotal: %lu kB", &total) == 1 && total > 0);
  printf("meminfo has MemAvailable = %d\n", strstr(buf, "\nMemAvailable:") != NULL);
  double up, idle;
  slurp("/proc/uptime", buf, sizeof buf);
  printf("uptime fields = %d\n", sscanf(buf, "%lf %lf", &up, &idle));
  double l1, l5, l15;
  int run, all, last;
  slurp("/proc/loadavg", buf, sizeof buf);
  printf("loadavg fields = %d\n", sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &run, &all, &last));
  slurp("/proc/mounts", buf, sizeof buf);
  printf("mounts has proc on /proc = %d\n", strstr(buf, " /proc proc ") != NULL);
  slurp("/proc/stat", buf, sizeof buf);
  unsigned long long c[4];
  printf("stat cpu fields = %d\n", sscanf(buf, "cpu %llu %llu %llu %llu", &c[0], &c[1], &c[2], &c[3]));
  // Our own directory is listed in /proc.
  DIR* d = opendir("/proc");
  int found = 0;
  for (struct dirent* e; d && (e = readdir(d));) found |= atoi(e->d_name) == getpid();
  if (d) closedir(d);
  printf("proc lists our pid = %d\n", found);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    // Again with a known second argument, for cmdline.
    char self[256];
    const char* me = self_path(argv[0], self, sizeof self);
    execl(me, argv[0], "second", (char*)NULL);
    return 1;
  }
  devices();
  self_stat();
  self_status();
  self_links(argc, argv);
  zombie();
  system_files();
  return 0;
}
