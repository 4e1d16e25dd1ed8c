/* Syscall fuzzer: 20,000 calls of the syscalls Tine implements (and some
 * it does not), with arguments drawn from bad pointers, kernel addresses,
 * -1, 0 and random words. The kernel must answer every one with a value or
 * an errno and keep running: the program ends with "fuzz done" and exit 0.
 * Calls that may legitimately block forever (read) or sleep (nanosleep), and
 * those that would let the program unmap or protect itself to death
 * (munmap, mprotect), are left out; exit, clone, execve and kill too. */
typedef unsigned long u64;
static long sc6(long n, long a, long b, long c, long d, long e, long f) {
  register long a0 asm("a0") = a; register long a1 asm("a1") = b; register long a2 asm("a2") = c;
  register long a3 asm("a3") = d; register long a4 asm("a4") = e; register long a5 asm("a5") = f;
  register long a7 asm("a7") = n;
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7) : "memory");
  return a0;
}
static u64 s = 88172645463325252ull;
static u64 rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return s; }
static long arg(void) {
  switch (rnd() % 8) {
    case 0: return 0; case 1: return -1; case 2: return (long)(rnd() % 4096);
    case 3: return (long)0xffffffc000000000ul; case 4: return (long)(rnd());
    case 5: return 0x10000; case 6: return 0x3ffffff000 - 64; default: return 1;
  }
}
static const int nrs[] = {23,24,29,56,57,59,63,64,66,96,99,101,113,124,134,135,160,163,164,172,173,174,175,176,177,178,179,214,222,260,261,278,4000,999,-5};
void _start_c(void) {
  sc6(57, 0, 0, 0, 0, 0, 0);  /* no console input to block on */
  for (int i = 0; i < 20000; i++) {
    int nr = nrs[rnd() % (sizeof nrs / sizeof nrs[0])];
    if (nr == 101 || nr == 63) continue;  /* sleeping or blocking reads are fine, not what we fuzz */
    sc6(nr, arg(), arg(), arg(), arg(), arg(), arg());
  }
  const char m[] = "fuzz done\n";
  sc6(64, 1, (long)m, sizeof m - 1, 0, 0, 0);
  sc6(94, 0, 0, 0, 0, 0, 0);
}
asm(".globl _start\n_start:\n andi sp, sp, -16\n call _start_c\n");
