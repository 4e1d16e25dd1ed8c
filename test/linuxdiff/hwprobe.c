/* riscv_hwprobe(2): what every RISC-V Linux 6.12 reports alike (the base
 * behaviour, F+D and C, the timer's frequency on QEMU virt), how unknown
 * keys come back, the CPU-set rules and errno, and the WHICH_CPUS form. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ld.h"

struct pair {
  int64_t key;
  uint64_t value;
};

static long hwprobe(struct pair *p, long n, long setsize, void *cpus, unsigned flags) {
  return syscall(258, p, n, setsize, cpus, flags);
}

int main(void) {
  struct pair p[12];
  for (int i = 0; i < 10; i++) p[i] = (struct pair){i, 0xdead};
  p[10] = (struct pair){10000, 0xdead};
  p[11] = (struct pair){-5, 0xdead};
  show_ret("all keys", hwprobe(p, 12, 0, NULL, 0));
  printf("ids the same on every cpu: %d %d %d\n", p[0].value != ~0ull, p[1].value != ~0ull,
         p[2].value != ~0ull);
  printf("base behavior: %llu\n", (unsigned long long)p[3].value);
  printf("ima_ext_0 FD, C: %llu\n", (unsigned long long)(p[4].value & 3));
  printf("misaligned perf known value: %d, same as key 9: %d\n", p[5].value <= 4,
         p[5].value == p[9].value);
  const int zicboz = (p[4].value >> 6) & 1; /* RISCV_HWPROBE_EXT_ZICBOZ */
  printf("zicboz block size agrees: %d\n",
         zicboz ? p[6].value >= 16 && !(p[6].value & (p[6].value - 1)) : p[6].value == 0);
  printf("highest address: a power of two, at least 2^38: %d\n",
         p[7].value >= (1ull << 38) && !(p[7].value & (p[7].value - 1)));
  printf("time csr freq: %llu\n", (unsigned long long)p[8].value);
  printf("unknown keys: %lld %llu, %lld %llu\n", (long long)p[10].key,
         (unsigned long long)p[10].value, (long long)p[11].key, (unsigned long long)p[11].value);

  cpu_set_t set, empty;
  sched_getaffinity(0, sizeof set, &set);
  CPU_ZERO(&empty);
  struct pair one = {3, 0};
  show_ret("no pairs", hwprobe(NULL, 0, 0, NULL, 0));
  show_ret("with the online set", hwprobe(&one, 1, sizeof set, &set, 0));
  printf("value %llu\n", (unsigned long long)one.value);
  show_ret("empty set", hwprobe(&one, 1, sizeof empty, &empty, 0));
  cpu_set_t off;
  CPU_ZERO(&off);
  CPU_SET(63, &off);
  show_ret("offline cpu only", hwprobe(&one, 1, 8, &off, 0));
  show_ret("set size 0 with a set", hwprobe(&one, 1, 0, &set, 0));
  show_ret("NULL set of size 8", hwprobe(&one, 1, 8, NULL, 0));
  show_ret("bad set pointer", hwprobe(&one, 1, 8, (void *)8, 0));
  show_ret("bad pairs", hwprobe((void *)8, 1, 0, NULL, 0));
  show_ret("flags 2", hwprobe(&one, 1, 0, NULL, 2));
  show_ret("flags 3", hwprobe(&one, 1, sizeof set, &set, 3));

  /* WHICH_CPUS: which cpus of the set match every pair given. */
  show_ret("which cpus without a set", hwprobe(&one, 1, 0, NULL, 1));
  struct pair want[2] = {{3, 1}, {4, 3}};
  cpu_set_t s = set;
  show_ret("which cpus IMA, FD+C", hwprobe(want, 2, sizeof s, &s, 1));
  printf("set unchanged: %d\n", CPU_EQUAL(&s, &set));
  s = empty;
  show_ret("which cpus, empty set means online", hwprobe(want, 2, sizeof s, &s, 1));
  printf("set is the online set: %d\n", CPU_EQUAL(&s, &set));
  struct pair never[1] = {{3, 2}};
  s = set;
  show_ret("which cpus base behavior 2", hwprobe(never, 1, sizeof s, &s, 1));
  printf("set empty: %d\n", CPU_COUNT(&s) == 0);
  struct pair unknown[2] = {{10000, 7}, {3, 1}};
  s = set;
  show_ret("which cpus unknown key", hwprobe(unknown, 2, sizeof s, &s, 1));
  printf("key %lld value %llu, set empty: %d\n", (long long)unknown[0].key,
         (unsigned long long)unknown[0].value, CPU_COUNT(&s) == 0);
  return 0;
}
