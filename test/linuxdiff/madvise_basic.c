/* madvise(2) as Linux answers it: DONTNEED on private anonymous memory
 * (zeros again), on a private file mapping (the file's bytes again) and on
 * shared memory (the data stays); FREE; the hints; DONTFORK and WIPEONFORK
 * seen from a fork child; and the errors (bad advice, unaligned start,
 * unmapped ranges, FREE/WIPEONFORK on the wrong kind of mapping). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096

static void show(const char *what, int r) {
  if (r < 0)
    printf("%s: -1 %s\n", what, strerror(errno));
  else
    printf("%s: %d\n", what, r);
}

static int sum(const unsigned char *p, size_t n) {
  int s = 0;
  for (size_t i = 0; i < n; i++) s += p[i];
  return s;
}

static sigjmp_buf jb;
static void on_segv(int sig) { siglongjmp(jb, sig); }

/* Whether reading p in a fork child faults (the range is not there). */
static void child_reads(const char *what, volatile unsigned char *p) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGSEGV, on_segv);
    int sig = sigsetjmp(jb, 1);
    if (sig)
      printf("%s: child faults\n", what);
    else
      printf("%s: child reads %d\n", what, p[0] + p[PG]);
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

int main(void) {
  unsigned char *a = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (a == MAP_FAILED) return 1;
  memset(a, 7, 8 * PG);
  show("dontneed middle", madvise(a + 2 * PG, 3 * PG, MADV_DONTNEED));
  printf("after dontneed: before %d inside %d after %d\n", sum(a, 2 * PG),
         sum(a + 2 * PG, 3 * PG), sum(a + 5 * PG, 3 * PG) / 7);
  a[2 * PG] = 9;
  printf("written again: %d\n", a[2 * PG]);
  show("dontneed unaligned length", madvise(a, PG + 1, MADV_DONTNEED));
  printf("two pages zero: %d\n", sum(a, 2 * PG));

  /* The hints change nothing that can be seen. */
  memset(a, 3, 8 * PG);
  int hints[] = {MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
                 MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_DONTDUMP, MADV_DODUMP};
  for (unsigned i = 0; i < sizeof hints / sizeof hints[0]; i++) {
    char what[32];
    snprintf(what, sizeof what, "hint %d", hints[i]);
    show(what, madvise(a, 8 * PG, hints[i]));
  }
  printf("data after hints: %d\n", sum(a, 8 * PG) / 3);
  show("len 0", madvise(a, 0, MADV_DONTNEED));
  show("len 0 unaligned", madvise(a + 1, 0, MADV_DONTNEED));

  /* MADV_FREE: the range may be freed; a write after it keeps its byte. */
  show("free", madvise(a, 4 * PG, MADV_FREE));
  a[0] = 5;
  printf("write after free: %d\n", a[0]);

  /* Errors. */
  show("bad advice", madvise(a, PG, 9999));
  show("unaligned start", madvise(a + 1, PG, MADV_NORMAL));
  show("wrapping length", madvise(a, (size_t)-1, MADV_NORMAL));
  munmap(a + 6 * PG, PG);
  show("hole in range", madvise(a + 5 * PG, 3 * PG, MADV_DONTNEED));
  printf("page before the hole zeroed: %d\n", a[5 * PG]);
  show("unmapped range", madvise(a + 6 * PG, PG, MADV_NORMAL));
  show("hole dontfork", madvise(a + 5 * PG, 3 * PG, MADV_DONTFORK));
  show("dofork", madvise(a + 5 * PG, PG, MADV_DOFORK));

  /* Shared anonymous memory keeps its data; FREE and WIPEONFORK refuse it. */
  unsigned char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  memset(s, 4, 2 * PG);
  show("shared dontneed", madvise(s, 2 * PG, MADV_DONTNEED));
  printf("shared after dontneed: %d\n", sum(s, 2 * PG) / 4);
  show("shared free", madvise(s, 2 * PG, MADV_FREE));
  show("shared wipeonfork", madvise(s, 2 * PG, MADV_WIPEONFORK));

  /* A private file mapping reads the file again. */
  char path[] = "/tmp/madvise_basic_XXXXXX";
  int fd = mkstemp(path);
  unsigned char buf[2 * PG];
  memset(buf, 'f', sizeof buf);
  if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) return 1;
  unsigned char *f = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  memset(f, 'x', PG);
  printf("private file before: %c %c\n", f[0], f[PG]);
  show("file dontneed", madvise(f, 2 * PG, MADV_DONTNEED));
  printf("private file after: %c %c\n", f[0], f[PG]);
  show("file free", madvise(f, PG, MADV_FREE));
  show("file wipeonfork", madvise(f, PG, MADV_WIPEONFORK));
  unlink(path);

  /* DONTFORK: the child has no such range; WIPEONFORK: zeros there. */
  unsigned char *d = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(d, 1, 4 * PG);
  child_reads("plain", d);
  show("dontfork", madvise(d, 2 * PG, MADV_DONTFORK));
  child_reads("dontfork", d);
  child_reads("after the dontfork range", d + 2 * PG);
  show("dofork", madvise(d, 2 * PG, MADV_DOFORK));
  child_reads("dofork again", d);
  show("wipeonfork", madvise(d + 2 * PG, 2 * PG, MADV_WIPEONFORK));
  child_reads("wipeonfork", d + 2 * PG);
  printf("parent keeps: %d\n", d[2 * PG] + d[3 * PG]);
  show("keeponfork", madvise(d + 2 * PG, 2 * PG, MADV_KEEPONFORK));
  child_reads("keeponfork", d + 2 * PG);
  show("dontfork one page", madvise(d + PG, PG, MADV_DONTFORK));
  child_reads("second page left out", d);
  return 0;
}
