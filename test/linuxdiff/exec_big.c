// A program much larger than the 4 MiB exec once copied: 9 MiB of
// initialised data (each 8-byte word holds its index), a small read-only
// table and a 3 MiB bss. exec maps them from the page cache: the data is
// copy-on-write over the file (a store is this process's alone, also
// across fork), the bss reads as zeros from its first byte (the end of the
// data's last file page is zeroed) to its last. The program execs itself
// once more to show a big image replacing a big image.
#include "ld.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>

#define WORDS (9u * 1024 * 1024 / 8)

// The data, made by the assembler (a C initialiser of 9 MiB would take the
// compiler minutes): word k is k ^ 0x5a5a000000000000.
extern uint64_t big_data[WORDS];
__asm__(
    ".section .data\n"
    ".balign 8\n"
    ".globl big_data\n"
    "big_data:\n"
    ".set k, 0\n"
    ".rept 1179648\n"
    ".quad k ^ 0x5a5a000000000000\n"
    ".set k, k + 1\n"
    ".endr\n"
    ".text\n");

static const char rodata[] = "read-only table of the big program";
static char bss[3 * 1024 * 1024];
// Ends the data right before the bss, in the middle of a page.
char tail_data[13] = "tail of data";

static int check_words(const char* who) {
  unsigned bad = 0;
  for (unsigned k = 0; k < WORDS; k += 509)
    if (big_data[k] != (k ^ 0x5a5a000000000000ull)) bad++;
  if (big_data[WORDS - 1] != ((WORDS - 1) ^ 0x5a5a000000000000ull)) bad++;
  printf("%s: data words wrong: %u\n", who, bad);
  return bad == 0;
}

static int check_bss(const char* who) {
  unsigned nonzero = 0;
  for (size_t i = 0; i < sizeof bss; i++)
    if (bss[i]) nonzero++;
  printf("%s: bss bytes not zero: %u\n", who, nonzero);
  return nonzero == 0;
}

int main(int argc, char** argv) {
  const int again = argc > 1 && strcmp(argv[1], "again") == 0;
  const char* who = again ? "exec'd" : "first";
  printf("%s: %s, %s\n", who, rodata, tail_data);
  int ok = check_words(who) & check_bss(who);

  // Stores copy pages of the data and the bss; a child sees the parent's
  // stores and its own, the parent never the child's.
  big_data[7] = 7;
  big_data[WORDS - 2] = 42;
  bss[5] = 'b';
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    printf("child sees %lu %lu %c\n", (unsigned long)big_data[7],
           (unsigned long)big_data[WORDS - 2], bss[5]);
    big_data[7] = 70;
    big_data[1000] = 1;
    printf("child stored %lu %lu\n", (unsigned long)big_data[7], (unsigned long)big_data[1000]);
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  printf("parent keeps %lu, word 1000 %s, %c\n", (unsigned long)big_data[7],
         big_data[1000] == (1000 ^ 0x5a5a000000000000ull) ? "unchanged" : "changed", bss[5]);

  if (!again) {
    char buf[256];
    const char* self = self_path(argv[0], buf, sizeof buf);
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
      execl(self, self, "again", (char*)NULL);
      printf("exec failed: %s\n", strerrorname_np(errno));
      _exit(1);
    }
    waitpid(pid, &st, 0);
    printf("exec'd copy exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) ok = 0;
  }
  return ok ? 0 : 1;
}
