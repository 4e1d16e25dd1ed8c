/* mremap(2) as Linux answers it: shrinking, growing in place, moving
 * (MREMAP_MAYMOVE), MREMAP_FIXED over another mapping, MREMAP_DONTUNMAP,
 * part of a mapping moved out of its middle, shared memory moved and
 * duplicated (old_len 0) and still shared with a fork child, private memory
 * moved after fork (copy-on-write as before), and the errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096

static sigjmp_buf jb;
static void on_segv(int sig) { siglongjmp(jb, sig); }

/* Reads one byte: its value, or -1 when the read faults. */
static int peek(volatile unsigned char *p) {
  if (sigsetjmp(jb, 1)) return -1;
  return *p;
}

static void *map(size_t n, int flags) {
  return mmap(NULL, n, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
}

static void show(const char *what, void *r, void *want) {
  if (r == MAP_FAILED)
    printf("%s: -1 %s\n", what, strerror(errno));
  else
    printf("%s: %s\n", what, r == want ? "at the old address" : "elsewhere");
}

static void fill(unsigned char *p, size_t pages) {
  for (size_t i = 0; i < pages; i++) memset(p + i * PG, (int)(i + 1), PG);
}

/* The first byte of each page, -1 for a fault. */
static void pages(const char *what, unsigned char *p, size_t n) {
  printf("%s:", what);
  for (size_t i = 0; i < n; i++) printf(" %d", peek(p + i * PG));
  printf("\n");
}

int main(void) {
  signal(SIGSEGV, on_segv);

  /* Shrink: the tail goes. */
  unsigned char *a = map(8 * PG, MAP_PRIVATE);
  fill(a, 8);
  show("shrink 8 to 3", mremap(a, 8 * PG, 3 * PG, 0), a);
  pages("after shrink", a, 5);
  show("same size", mremap(a, 3 * PG, 3 * PG, 0), a);

  /* Grow in place into the free pages after it. */
  show("grow 3 to 6 in place", mremap(a, 3 * PG, 6 * PG, 0), a);
  pages("after growing", a, 6);
  a[5 * PG] = 42;
  printf("new page written: %d\n", a[5 * PG]);

  /* No room after it, and no MAYMOVE. */
  unsigned char *g = mmap(a + 6 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  printf("guard placed: %d\n", g == a + 6 * PG);
  show("grow without room", mremap(a, 6 * PG, 8 * PG, 0), a);
  unsigned char *b = mremap(a, 6 * PG, 64 * PG, MREMAP_MAYMOVE);
  show("grow with maymove", b, a);
  pages("moved", b, 7);
  printf("old address: %d\n", peek(a));
  printf("guard still there: %d\n", peek(g));
  b[63 * PG] = 7;
  printf("last new page: %d\n", b[63 * PG]);

  /* MREMAP_FIXED onto another mapping, which it replaces. */
  unsigned char *t = map(4 * PG, MAP_PRIVATE);
  fill(t, 4);
  unsigned char *c = mremap(b, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, t + PG);
  printf("fixed lands: %d\n", c == t + PG);
  pages("target after fixed", t, 4);
  pages("source after fixed", b, 3);

  /* A part out of the middle of a mapping. */
  unsigned char *m = map(6 * PG, MAP_PRIVATE);
  fill(m, 6);
  unsigned char *mid = mremap(m + 2 * PG, 2 * PG, 3 * PG, MREMAP_MAYMOVE);
  pages("middle moved", mid, 3);
  pages("around it", m, 6);

  /* DONTUNMAP: the old range stays, empty. */
  unsigned char *d = map(2 * PG, MAP_PRIVATE);
  fill(d, 2);
  unsigned char *dn = mremap(d, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
  show("dontunmap", dn, d);
  pages("dontunmap new", dn, 2);
  pages("dontunmap old", d, 2);

  /* Private memory after fork: the child keeps its copy. */
  unsigned char *p = map(4 * PG, MAP_PRIVATE);
  fill(p, 4);
  int pfd[2];
  pipe(pfd);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char x;
    read(pfd[0], &x, 1);
    pages("child's private copy", p, 4);
    fflush(stdout);
    _exit(0);
  }
  unsigned char *pm = mremap(p, 4 * PG, 16 * PG, MREMAP_MAYMOVE);
  memset(pm, 99, 4 * PG);
  pages("parent's moved copy", pm, 5);
  fflush(stdout);
  write(pfd[1], "x", 1);
  waitpid(pid, NULL, 0);

  /* Shared memory moved and duplicated stays shared with a child. */
  unsigned char *s = map(2 * PG, MAP_SHARED);
  fill(s, 2);
  unsigned char *dup = mremap(s, 0, 2 * PG, MREMAP_MAYMOVE);
  show("duplicate shared", dup, s);
  pid = fork();
  if (pid == 0) {
    s[0] = 50;
    s[PG] = 51;
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  unsigned char *sm = mremap(s, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, mid);
  pages("shared moved sees the child", sm, 2);
  pages("duplicate sees the child", dup, 2);
  sm[0] = 60;
  printf("duplicate sees the move's write: %d\n", dup[0]);

  /* Errors. */
  unsigned char *e = map(4 * PG, MAP_PRIVATE);
  show("bad flags", mremap(e, PG, PG, 8), e);
  show("fixed without maymove", mremap(e, PG, PG, MREMAP_FIXED, e + 8 * PG), e);
  show("dontunmap resizing", mremap(e, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP), e);
  show("dontunmap without maymove", mremap(e, PG, PG, MREMAP_DONTUNMAP), e);
  show("unaligned", mremap(e + 1, PG, PG, 0), e);
  show("new length 0", mremap(e, PG, 0, 0), e);
  show("fixed overlapping", mremap(e, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, e + PG), e);
  show("fixed unaligned", mremap(e, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, e + 8 * PG + 1), e);
  show("across the end", mremap(e, 5 * PG, 6 * PG, MREMAP_MAYMOVE), e);
  show("old length 0, private", mremap(e, 0, PG, MREMAP_MAYMOVE), e);
  munmap(e, 4 * PG);
  show("grow unmapped", mremap(e, PG, 2 * PG, MREMAP_MAYMOVE), e);
  show("shrink unmapped", mremap(e, 2 * PG, PG, 0), e);
  return 0;
}
