// realloc growing a block to 64 MiB (glibc's mmapped chunks grow through
// mremap), a fork in the middle: each side grows and writes its own copy
// and never sees the other's bytes. Then the same by hand: mremap of a
// 64 MiB mapping that a fork child still shares copy-on-write, MAYMOVE
// and back with FIXED, and madvise(MADV_DONTNEED) of its tail.
#include "compat.h"

#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define MIB (1024ul * 1024ul)

// A word per 4 KiB page: enough to see whose bytes a page holds.
static void stamp(unsigned char* p, size_t from, size_t to, unsigned seed) {
  for (size_t off = from; off < to; off += 4096) *(uint32_t*)(p + off) = (uint32_t)(off / 4096) * 2654435761u + seed;
}
static long bad_pages(const unsigned char* p, size_t from, size_t to, unsigned seed) {
  long bad = 0;
  for (size_t off = from; off < to; off += 4096)
    bad += *(const uint32_t*)(p + off) != (uint32_t)(off / 4096) * 2654435761u + seed;
  return bad;
}

// Grows p from `from` to 64 MiB by doubling, stamping each new part.
static unsigned char* grow(unsigned char* p, size_t from, unsigned seed, const char* who) {
  for (size_t n = from * 2; n <= 64 * MIB; n *= 2) {
    p = realloc(p, n);
    if (!p) {
      printf("%s: realloc %zu MiB failed\n", who, n / MIB);
      return NULL;
    }
    stamp(p, n / 2, n, seed);
  }
  return p;
}

int main(void) {
  unsigned char* p = malloc(MIB);
  stamp(p, 0, MIB, 1);
  p = realloc(p, 16 * MIB);  // mmapped: mremap
  stamp(p, MIB, 16 * MIB, 1);
  printf("16 MiB: bad pages %ld\n", bad_pages(p, 0, 16 * MIB, 1));
  pid_t pid = fork();
  if (pid == 0) {
    unsigned char* c = grow(p, 16 * MIB, 2, "child");
    if (!c) _exit(1);
    printf("child: first 16 MiB still the parent's from before: bad %ld\n",
           bad_pages(c, 0, 16 * MIB, 1));
    stamp(c, 0, 16 * MIB, 2);
    printf("child: 64 MiB of its own: bad %ld\n", bad_pages(c, 0, 64 * MIB, 2));
    free(c);
    _exit(0);
  }
  unsigned char* q = grow(p, 16 * MIB, 3, "parent");
  stamp(q, 0, 16 * MIB, 3);
  int st;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  printf("parent: 64 MiB of its own: bad %ld\n", bad_pages(q, 0, 64 * MIB, 3));
  q = realloc(q, 2 * MIB);  // shrinking in place
  printf("parent: shrunk to 2 MiB: bad %ld\n", bad_pages(q, 0, 2 * MIB, 3));
  free(q);

  // By hand: a 64 MiB mapping, shared copy-on-write with a child.
  unsigned char* m = mmap(NULL, 64 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  stamp(m, 0, 64 * MIB, 4);
  // Something right after it (a page of ours, or what was there): the
  // growth has to move.
  mmap(m + 64 * MIB, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  int go[2];
  if (pipe(go) < 0) return 1;
  pid = fork();
  if (pid == 0) {
    char x;
    if (read(go[0], &x, 1) != 1) _exit(1);
    printf("child after the parent's moves: bad %ld\n", bad_pages(m, 0, 64 * MIB, 4));
    _exit(0);
  }
  unsigned char* moved = mremap(m, 64 * MIB, 96 * MIB, MREMAP_MAYMOVE);
  say("mremap 64 to 96 MiB moved", moved == MAP_FAILED ? -1 : moved != m);
  if (moved == MAP_FAILED) return 1;
  printf("moved: bad %ld, new tail zero %d\n", bad_pages(moved, 0, 64 * MIB, 4),
         moved[96 * MIB - 1] == 0);
  stamp(moved, 0, 64 * MIB, 5);
  say("madvise DONTNEED the last 32 MiB", madvise(moved + 64 * MIB, 32 * MIB, MADV_DONTNEED));
  unsigned char* back = mremap(moved, 64 * MIB, 64 * MIB, MREMAP_MAYMOVE | MREMAP_FIXED, m);
  say("mremap back to the old address", back == MAP_FAILED ? -1 : back == m);
  printf("back: bad %ld\n", bad_pages(m, 0, 64 * MIB, 5));
  if (write(go[1], "x", 1) != 1) return 1;
  waitpid(pid, &st, 0);
  printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
