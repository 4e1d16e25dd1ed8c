// profile-smoke's program (smoke.py): a user loop of known length, then a
// system call. spin() runs two instructions an iteration (addi, bnez) and a
// return, so a profile must give it 2 * kIters + 1 instructions; write()
// goes through the kernel's trap entry. It also reads the time before and
// after spin() and prints the difference in timer ticks: under -icount
// shift=0 QEMU's clock is its instruction count (virt's timer ticks at
// 10 MHz, 100 instructions a tick), so the profile's count can be checked
// against QEMU's. No libc: nothing else runs in user mode but _start.
static const long kIters = 1000000;

static inline unsigned long rdtime() {
  unsigned long t;
  asm volatile("rdtime %0" : "=r"(t));
  return t;
}

static void __attribute__((noinline)) spin(long n) {
  asm volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
}

static long __attribute__((noinline)) sys3(long nr, long a0, long a1, long a2) {
  register long r_a0 asm("a0") = a0;
  register long r_a1 asm("a1") = a1;
  register long r_a2 asm("a2") = a2;
  register long r_a7 asm("a7") = nr;
  asm volatile("ecall" : "+r"(r_a0) : "r"(r_a1), "r"(r_a2), "r"(r_a7) : "memory");
  return r_a0;
}

void _start(void) {
  unsigned long t0 = rdtime();
  spin(kIters);
  unsigned long ticks = rdtime() - t0;
  static const char prefix[] = "spin: ticks ";
  static char msg[40];
  char digits[24];
  int n = 0, len = 0;
  while (prefix[len]) {
    msg[len] = prefix[len];
    len++;
  }
  do {
    digits[n++] = (char)('0' + ticks % 10);
    ticks /= 10;
  } while (ticks);
  while (n) msg[len++] = digits[--n];
  msg[len++] = '\n';
  sys3(64, 1, (long)msg, len);  // write
  sys3(93, 0, 0, 0);                        // exit
  for (;;) {
  }
}
