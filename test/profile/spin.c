// profile-smoke's program (smoke.py): a user loop of known length, then a
// system call. spin() runs two instructions an iteration (addi, bnez) and a
// return, so a profile must give it 2 * kIters + 1 instructions; write()
// goes through the kernel's trap entry. No libc: nothing else runs in user
// mode but _start.
static const long kIters = 1000000;

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
  spin(kIters);
  static const char msg[] = "spin: done\n";
  sys3(64, 1, (long)msg, sizeof msg - 1);  // write
  sys3(93, 0, 0, 0);                        // exit
  for (;;) {
  }
}
