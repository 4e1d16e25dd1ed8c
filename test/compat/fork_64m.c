// A parent with 64 MiB of touched memory forks 100 times: ten children at
// a time, each checking a sample of the pages and writing its own mark into
// some, while the parent's copy stays as it was.
#include "compat.h"

#include <sys/mman.h>
#include <sys/wait.h>

#define SIZE (64ul << 20)
#define PAGE 4096ul

int main(void) {
  unsigned char* mem = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(mem != MAP_FAILED);
  for (unsigned long off = 0; off < SIZE; off += PAGE) mem[off] = (unsigned char)(off / PAGE);
  int bad = 0;
  for (int round = 0; round < 10; round++) {
    pid_t kids[10];
    for (int k = 0; k < 10; k++) {
      int id = round * 10 + k;
      kids[k] = fork();
      if (kids[k] == 0) {
        int wrong = 0;
        for (unsigned long off = (unsigned long)id * PAGE; off < SIZE; off += 97 * PAGE)
          if (mem[off] != (unsigned char)(off / PAGE)) wrong++;
        for (unsigned long off = (unsigned long)id * PAGE; off < SIZE; off += 1031 * PAGE)
          mem[off] = 0xee;
        for (unsigned long off = (unsigned long)id * PAGE; off < SIZE; off += 1031 * PAGE)
          if (mem[off] != 0xee) wrong++;
        _exit(wrong ? 1 : 0);
      }
      CHECK(kids[k] > 0);
    }
    for (int k = 0; k < 10; k++) {
      int st;
      CHECK(waitpid(kids[k], &st, 0) == kids[k]);
      if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) bad++;
    }
  }
  unsigned long wrong = 0;
  for (unsigned long off = 0; off < SIZE; off += PAGE)
    if (mem[off] != (unsigned char)(off / PAGE)) wrong++;
  printf("100 forks of a 64 MiB parent: %d children saw wrong memory, parent pages changed %lu\n",
         bad, wrong);
  return 0;
}
