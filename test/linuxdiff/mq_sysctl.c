// /proc/sys/fs/mqueue: the five limits of POSIX message queues, their
// listing, values outside Linux's ranges (EINVAL) and a value written back
// unchanged. Nothing is changed: under qemu-riscv64 these are the host's.
#include "ld.h"

#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdlib.h>

static const char* const kFiles[] = {"msg_default", "msg_max", "msgsize_default", "msgsize_max",
                                     "queues_max"};

static long readval(const char* name) {
  char path[128], buf[64] = {0};
  snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", name);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  long n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n > 0 ? atol(buf) : -1;
}

static void writeval(const char* name, const char* text) {
  char path[128], what[160];
  snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", name);
  snprintf(what, sizeof what, "write '%s' to %s", text, name);
  int fd = open(path, O_WRONLY);
  if (fd < 0) {
    say(what, -1);
    return;
  }
  say(what, write(fd, text, strlen(text)));
  close(fd);
}

static int cmp(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(void) {
  DIR* d = opendir("/proc/sys/fs/mqueue");
  char* names[16];
  int n = 0;
  struct dirent* e;
  while (d && (e = readdir(d)) && n < 16)
    if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
  if (d) closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  for (int i = 0; i < n; i++) printf("entry %s\n", names[i]);
  for (int i = 0; i < 5; i++) printf("%s = %ld\n", kFiles[i], readval(kFiles[i]));

  writeval("msg_max", "0");
  writeval("msg_max", "65537");
  writeval("msgsize_max", "127");
  writeval("msgsize_max", "16777217");
  writeval("msg_default", "0");
  writeval("msgsize_default", "100");
  writeval("msg_max", "abc");
  char same[32];
  snprintf(same, sizeof same, "%ld", readval("msg_max"));
  writeval("msg_max", same);
  printf("msg_max = %ld\n", readval("msg_max"));

  // A queue without attributes takes the defaults the files show.
  char name[64];
  snprintf(name, sizeof name, "/ld_mq_sysctl_%d", (int)getpid());
  mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
  struct mq_attr a = {0};
  mq_getattr(q, &a);
  printf("default queue: maxmsg is min(msg_max, msg_default) %d, msgsize likewise %d\n",
         a.mq_maxmsg == (readval("msg_max") < readval("msg_default") ? readval("msg_max")
                                                                      : readval("msg_default")),
         a.mq_msgsize == (readval("msgsize_max") < readval("msgsize_default")
                              ? readval("msgsize_max")
                              : readval("msgsize_default")));
  mq_unlink(name);
  return 0;
}
