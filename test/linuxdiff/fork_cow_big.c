// Copy-on-write of a large private mapping across fork, as a fork that
// shares page tables or objects must keep it: parent and child each write
// half the pages and see their own values and the other's old ones; a fork
// of a fork; munmap, mremap, mprotect and MADV_DONTNEED of part of the
// region while a child still shares it; and the parent alone again after
// its child exits at once.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL
#define MIB (1024UL * 1024UL)

static long *word(char *base, size_t page) { return (long *)(base + page * PAGE); }

static char *map(size_t len) {
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("mmap");
    exit(1);
  }
  return p;
}

// Every page gets tag * 1000000 + its index (and the same in its last word).
static void fill(char *base, size_t pages, long tag) {
  for (size_t i = 0; i < pages; i++) {
    *word(base, i) = tag * 1000000 + (long)i;
    ((long *)(base + (i + 1) * PAGE))[-1] = tag * 1000000 + (long)i;
  }
}

// Pages i with i % 2 == parity hold tag, the others other_tag: mismatches.
static size_t check(char *base, size_t pages, int parity, long tag, long other_tag) {
  size_t bad = 0;
  for (size_t i = 0; i < pages; i++) {
    const long want = ((int)(i % 2) == parity ? tag : other_tag) * 1000000 + (long)i;
    if (*word(base, i) != want || ((long *)(base + (i + 1) * PAGE))[-1] != want) bad++;
  }
  return bad;
}

static void write_half(char *base, size_t pages, int parity, long tag) {
  for (size_t i = (size_t)parity; i < pages; i += 2) {
    *word(base, i) = tag * 1000000 + (long)i;
    ((long *)(base + (i + 1) * PAGE))[-1] = tag * 1000000 + (long)i;
  }
}

static int reap(pid_t pid) {
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int clamp(size_t n) { return n > 100 ? 100 : (int)n; }

// 1: halves, both sides at once; 2: a fork of the fork.
static void halves(size_t mib) {
  const size_t pages = mib * MIB / PAGE;
  char *p = map(mib * MIB);
  fill(p, pages, 1);
  pid_t c = fork();
  if (c == 0) {
    write_half(p, pages, 0, 2);  // even pages: the child's
    size_t bad = check(p, pages, 0, 2, 1);
    pid_t g = fork();  // the grandchild writes the odd pages
    if (g == 0) {
      write_half(p, pages, 1, 3);
      _exit(clamp(check(p, pages, 0, 2, 3)));
    }
    const int gbad = reap(g);
    bad += check(p, pages, 0, 2, 1);  // unchanged by the grandchild
    _exit(gbad ? 101 : clamp(bad));
  }
  write_half(p, pages, 1, 4);  // odd pages: the parent's
  const size_t bad = check(p, pages, 1, 4, 1);
  fflush(stdout);
  const int cbad = reap(c);
  printf("%zu MiB halves: parent %zu bad, child %d bad, parent after %zu bad\n", mib, bad, cbad,
         check(p, pages, 1, 4, 1));
  munmap(p, mib * MIB);
}

// The child exits at once; the parent's pages are all its own again.
static void child_exits(size_t mib) {
  const size_t pages = mib * MIB / PAGE;
  char *p = map(mib * MIB);
  fill(p, pages, 5);
  for (int round = 0; round < 3; round++) {
    pid_t c = fork();
    if (c == 0) _exit(0);
    reap(c);
    write_half(p, pages, round % 2, 6 + round);
  }
  // Rounds 0 and 2 wrote the even pages (8 last), round 1 the odd (7).
  printf("%zu MiB child exits: %zu bad\n", mib, check(p, pages, 0, 8, 7));
  munmap(p, mib * MIB);
}

// Changes to part of the region while a child shares it, made on either side.
static void partial(void) {
  const size_t pages = 1024;  // 4 MiB, with 4 MiB free above it to regrow
  char *p = map(2 * pages * PAGE);
  munmap(p + pages * PAGE, pages * PAGE);
  fill(p, pages, 9);
  int go[2], done[2];
  if (pipe(go) || pipe(done)) return;
  pid_t c = fork();
  if (c == 0) {
    char b;
    close(go[1]);
    close(done[0]);
    if (read(go[0], &b, 1) != 1) _exit(99);
    // The parent has unmapped, shrunk, discarded and reprotected its view.
    size_t bad = check(p, pages, 0, 9, 9);
    write_half(p, pages, 0, 10);
    bad += check(p, pages, 0, 10, 9);
    if (write(done[1], "x", 1) != 1) _exit(98);
    _exit(clamp(bad));
  }
  close(go[0]);
  close(done[1]);
  // munmap a middle MiB, then map fresh memory there: zeros.
  munmap(p + 256 * PAGE, 256 * PAGE);
  char *q = mmap(p + 256 * PAGE, 256 * PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  size_t zero_bad = 0;
  for (size_t i = 0; i < 256; i++) zero_bad += *word(q, i) != 0;
  // MADV_DONTNEED the first 64 pages: zeros here, not in the child.
  madvise(p, 64 * PAGE, MADV_DONTNEED);
  for (size_t i = 0; i < 64; i++) zero_bad += *word(p, i) != 0;
  // Read-only pages 64..127; the rest stays writable.
  mprotect(p + 64 * PAGE, 64 * PAGE, PROT_READ);
  size_t old_bad = 0;
  for (size_t i = 64; i < 256; i++) old_bad += *word(p, i) != 9 * 1000000 + (long)i;
  // Shrink the last 512 pages (one mapping still) to 256; the child still
  // sees the tail.
  char *t = p + 512 * PAGE;
  char *r = mremap(t, 512 * PAGE, 256 * PAGE, 0);
  (void)!write(go[1], "g", 1);
  char b;
  (void)!read(done[0], &b, 1);
  const int cbad = reap(c);
  // Grow back (in place where the kernel can: the space above is free):
  // the tail comes back as zeros, not the old pages.
  char *s = mremap(r, 256 * PAGE, 512 * PAGE, MREMAP_MAYMOVE);
  size_t tail_bad = 0;
  if (s != MAP_FAILED)
    for (size_t i = 256; i < 512; i++) tail_bad += *word(s, i) != 0;
  write_half(p + 128 * PAGE, 128, 0, 11);
  printf("partial: new %zu bad, old %zu bad, child %d bad, shrunk %s, regrown %s, tail %zu bad, "
         "writable %ld\n",
         zero_bad, old_bad, cbad, r == t ? "yes" : "no", s == MAP_FAILED ? "no" : "yes",
         tail_bad, *word(p, 128));
  munmap(p, 512 * PAGE);
  if (s != MAP_FAILED) munmap(s, 512 * PAGE);
}

// The heap (brk) across a fork whose child shrinks nothing: glibc's malloc
// grows it after the fork, and the new part reads zero.
static void heap(void) {
  char *a = malloc(3 * MIB);
  memset(a, 0x5a, 3 * MIB);
  pid_t c = fork();
  if (c == 0) _exit(a[12345] == 0x5a ? 0 : 1);
  const int cbad = reap(c);
  char *b = malloc(2 * MIB);
  memset(b, 0x33, 2 * MIB);
  printf("heap: child %d, a %x, b %x\n", cbad, a[3 * MIB - 1], b[0]);
  free(b);
  free(a);
}

int main(void) {
  halves(1);
  halves(16);
  child_exits(8);
  partial();
  heap();
  return 0;
}
