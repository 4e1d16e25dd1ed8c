// The callee-saved FP registers fs0-fs11 and fcsr across glibc's fork(),
// glibc's vfork() (3BSD: CLONE_VM|CLONE_VFORK), and a 4.4BSD vfork
// (syscall(SYS_clone, CLONE_VFORK|SIGCHLD)): the child starts with the
// parent's values, and the parent keeps its own, also across a waitpid
// during which the child has zeroed its registers. The registers are
// loaded, the libc function called and the registers read back inside one
// asm statement, so no compiled code runs in between; the child stores
// what it got into a shared page and exits without touching the stack it
// may share with its parent.
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NREG 13  // fs0-fs11, fcsr

#define FP_LOAD(p)                                                            \
  "fld fs0, 0(" p ")\n\tfld fs1, 8(" p ")\n\tfld fs2, 16(" p ")\n\t"          \
  "fld fs3, 24(" p ")\n\tfld fs4, 32(" p ")\n\tfld fs5, 40(" p ")\n\t"        \
  "fld fs6, 48(" p ")\n\tfld fs7, 56(" p ")\n\tfld fs8, 64(" p ")\n\t"        \
  "fld fs9, 72(" p ")\n\tfld fs10, 80(" p ")\n\tfld fs11, 88(" p ")\n\t"      \
  "ld t0, 96(" p ")\n\tfscsr t0\n\t"
#define FP_STORE(p)                                                           \
  "fsd fs0, 0(" p ")\n\tfsd fs1, 8(" p ")\n\tfsd fs2, 16(" p ")\n\t"          \
  "fsd fs3, 24(" p ")\n\tfsd fs4, 32(" p ")\n\tfsd fs5, 40(" p ")\n\t"        \
  "fsd fs6, 48(" p ")\n\tfsd fs7, 56(" p ")\n\tfsd fs8, 64(" p ")\n\t"        \
  "fsd fs9, 72(" p ")\n\tfsd fs10, 80(" p ")\n\tfsd fs11, 88(" p ")\n\t"      \
  "frcsr t0\n\tsd t0, 96(" p ")\n\t"

// Calls fn(x0..x5) with fs0-fs11/fcsr loaded from in, stores them to out
// after. If fn returns 0 and child_out is set (the child of a fork-like
// call), stores them to child_out instead, zeroes them and exits(0).
static long fp_call(void* fn, long x0, long x1, long x2, const uint64_t* in, uint64_t* out,
                    uint64_t* child_out) {
  register long a0 __asm__("a0") = x0;
  register long a1 __asm__("a1") = x1;
  register long a2 __asm__("a2") = x2;
  register long a3 __asm__("a3") = 0;
  register long a4 __asm__("a4") = 0;
  register long a5 __asm__("a5") = 0;
  register const uint64_t* s1 __asm__("s1") = in;
  register uint64_t* s2 __asm__("s2") = out;
  register uint64_t* s3 __asm__("s3") = child_out;
  register void* s4 __asm__("s4") = fn;
  __asm__ volatile(
      FP_LOAD("s1")
      "jalr s4\n\t"
      "bnez a0, 2f\n\t"
      "beqz s3, 2f\n\t"
      FP_STORE("s3")
      "fmv.d.x fs0, zero\n\tfmv.d.x fs1, zero\n\tfmv.d.x fs2, zero\n\t"
      "fmv.d.x fs3, zero\n\tfmv.d.x fs4, zero\n\tfmv.d.x fs5, zero\n\t"
      "fmv.d.x fs6, zero\n\tfmv.d.x fs7, zero\n\tfmv.d.x fs8, zero\n\t"
      "fmv.d.x fs9, zero\n\tfmv.d.x fs10, zero\n\tfmv.d.x fs11, zero\n\t"
      "fscsr zero\n\t"
      "li t1, 20\n"
      "1:\tli a7, 124\n\tecall\n\t"  // sched_yield
      "addi t1, t1, -1\n\tbnez t1, 1b\n\t"
      "li a0, 0\n\tli a7, 94\n\tecall\n"  // exit_group(0)
      "2:\t" FP_STORE("s2")
      : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
      : "r"(s1), "r"(s2), "r"(s3), "r"(s4)
      : "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a6", "a7", "ft0", "ft1", "ft2",
        "ft3", "ft4", "ft5", "ft6", "ft7", "ft8", "ft9", "ft10", "ft11", "fa0", "fa1",
        "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs0", "fs1", "fs2", "fs3", "fs4", "fs5",
        "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "memory");
  return a0;
}

static void pattern(uint64_t* v, uint64_t seed) {
  for (int i = 0; i < 12; i++) v[i] = 0x4000000000000000ull ^ (seed << 20) ^ ((uint64_t)i << 8);
  v[12] = ((seed % 5) << 5) | ((seed * 7 + 3) & 0x1f);  // frm, fflags
}

static const char* same(const uint64_t* a, const uint64_t* b) {
  return memcmp(a, b, NREG * sizeof(uint64_t)) == 0 ? "same" : "DIFFERENT";
}

static long raw_clone(long flags) { return syscall(SYS_clone, flags, 0, 0, 0, 0); }

static void variant(const char* name, void* fn, long arg, uint64_t* shared, int seed) {
  uint64_t in[NREG], out[NREG], in2[NREG], out2[NREG];
  pattern(in, seed);
  pattern(in2, seed + 100);
  memset(shared, 0, NREG * sizeof(uint64_t));
  long pid = fp_call(fn, arg, 0, 0, in, out, shared);
  if (pid < 0) {
    printf("%s: failed\n", name);
    return;
  }
  int st = -1;
  long w = fp_call((void*)waitpid, pid, (long)&st, 0, in2, out2, NULL);
  printf("%s: parent across the call %s, child %s, parent across waitpid %s, child %s\n", name,
         same(in, out), same(in, shared), same(in2, out2),
         w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "exited 0" : "went wrong");
}

int main(void) {
  uint64_t* shared =
      mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) return 1;
  for (int round = 0; round < 3; round++) {
    variant("fork", (void*)fork, 0, shared, 10 * round + 1);
    variant("vfork", (void*)vfork, 0, shared, 10 * round + 2);
    variant("4.4BSD vfork", (void*)raw_clone, CLONE_VFORK | SIGCHLD, shared, 10 * round + 3);
  }
  return 0;
}
