/* mincore(2) on anonymous memory as Linux answers it: a byte per page, set
 * for the pages touched (a read counts: the zero page), cleared by
 * MADV_DONTNEED, shared memory touched by a child, a fork child's copy;
 * and the errors (unaligned start, unmapped pages and holes, a vector that
 * cannot be written). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096

static void show(const char *what, int r, const unsigned char *v, int n) {
  if (r < 0) {
    printf("%s: -1 %s\n", what, strerror(errno));
    return;
  }
  printf("%s: %d [", what, r);
  for (int i = 0; i < n; i++) printf("%d", v[i] & 1);
  printf("]\n");
}

int main(void) {
  unsigned char v[16];
  volatile unsigned char *a = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (a == MAP_FAILED) return 1;
  memset(v, 0xee, sizeof v);
  show("fresh", mincore((void *)a, 8 * PG, v), v, 8);
  a[0] = 1;
  a[3 * PG + 5] = 1;
  (void)a[7 * PG];
  show("touched 0 3, read 7", mincore((void *)a, 8 * PG, v), v, 8);
  show("length not a page multiple", mincore((void *)a, 3 * PG + 1, v), v, 4);
  show("from page 3", mincore((void *)(a + 3 * PG), 2 * PG, v), v, 2);
  show("length 0", mincore((void *)a, 0, v), v, 0);
  madvise((void *)a, 4 * PG, MADV_DONTNEED);
  show("after dontneed 0-3", mincore((void *)a, 8 * PG, v), v, 8);

  /* A fork child's copy has the parent's pages. */
  a[PG] = 2;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    show("child", mincore((void *)a, 8 * PG, v), v, 8);
    fflush(stdout);
    _exit(0);
  }
  waitpid(pid, NULL, 0);

  /* Shared memory a child touched is in memory for the parent too. */
  volatile unsigned char *s = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
                                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  show("shared fresh", mincore((void *)s, 4 * PG, v), v, 4);
  pid = fork();
  if (pid == 0) {
    s[2 * PG] = 1;
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  show("shared after child wrote 2", mincore((void *)s, 4 * PG, v), v, 4);

  /* Errors. */
  show("unaligned", mincore((void *)(a + 1), PG, v), v, 0);
  munmap((void *)(a + 5 * PG), PG);
  show("hole", mincore((void *)a, 8 * PG, v), v, 0);
  show("unmapped", mincore((void *)(a + 5 * PG), PG, v), v, 0);
  show("huge length", mincore((void *)a, (size_t)-PG, v), v, 0);
  show("bad vector", mincore((void *)a, PG, (unsigned char *)8), v, 0);
  show("vector read-only", mincore((void *)a, PG, (unsigned char *)main), v, 0);
  return 0;
}
