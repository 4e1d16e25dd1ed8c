// Registers of a stopped tracee, and PTRACE_SYSCALL's stops (man 2 ptrace:
// "Syscall-stops", PTRACE_GETREGSET/SETREGSET, PTRACE_O_TRACESYSGOOD).
// The tracee stops itself with SIGSTOP, then makes one marked system call,
// write(-1, "marker", 7):
//   - NT_PRSTATUS is riscv64's struct user_regs_struct (pc, ra, sp, ...,
//     t6: 32 words) and a bigger iovec is cut to its size (iov_len 256);
//     NT_PRFPREG is f[32] and fcsr (264 bytes); fs0 set by the tracee is
//     read and replaced by the tracer;
//   - at the syscall-entry stop (status>>8 == SIGTRAP) a7 is the number,
//     a0 and a2 the arguments, and pc follows the ecall;
//   - at the syscall-exit stop (SIGTRAP | 0x80 once PTRACE_O_TRACESYSGOOD
//     is set) a0 is the result, -EBADF, and pc is the same; the tracer
//     makes it 77, which the tracee's write returns.
// qemu-user has no ptrace: ptrace_regs.expected holds Linux's lines.
#include "ld.h"

#include <elf.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#if defined(__riscv)
enum { PC = 0, A0 = 10, A2 = 12, A7 = 17, NREGS = 32 };
#define NR(r) (r)[A7]
#define ARG0(r) (r)[A0]
#define ARG2(r) (r)[A2]
#define RET(r) (r)[A0]
#define SETRET(r, v) ((r)[A0] = (v))
#define PCOF(r) (r)[PC]
#elif defined(__x86_64__)
// The same program on an x86-64 Linux kernel, to check the lines that do
// not depend on the ISA (user_regs_struct: rdi 14, rdx 12, rax 10,
// orig_rax 15, rip 16; 27 words).
enum { NREGS = 27 };
#define NR(r) (r)[15]
#define ARG0(r) (r)[14]
#define ARG2(r) (r)[12]
#define RET(r) (r)[10]
#define SETRET(r, v) ((r)[10] = (v))
#define PCOF(r) (r)[16]
#endif

static unsigned long regs[64];

static int getregs(pid_t t) {
  struct iovec iov = {regs, sizeof regs};
  return ptrace(PTRACE_GETREGSET, t, (void*)NT_PRSTATUS, &iov) == 0 ? (int)iov.iov_len : -1;
}

#if defined(__riscv)
static void set_fs0(double d) { asm volatile("fmv.d.x fs0, %0" ::"r"(d) : "fs0"); }
static double get_fs0(void) {
  double d;
  asm volatile("fmv.d %0, fs0" : "=f"(d));
  return d;
}
#else
static void set_fs0(double d) { (void)d; }
static double get_fs0(void) { return 2.5; }
#endif

int main(void) {
  fflush(stdout);
  pid_t t = fork();
  if (t == 0) {
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) _exit(10);
    set_fs0(1.5);
    kill(getpid(), SIGSTOP);
    long r = syscall(SYS_write, -1L, "marker", 7L);
    const double f = get_fs0();
    _exit((r == 77 ? 1 : 0) + (f == 2.5 ? 2 : 0));
  }
  int st;
  waitpid(t, &st, 0);
  printf("stopped by SIGSTOP = %d\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
  const int len = getregs(t);
  printf("NT_PRSTATUS iov_len = %s\n", len == NREGS * 8 ? "the struct's size" : "wrong");
#if defined(__riscv)
  printf("NT_PRSTATUS iov_len in bytes = %d\n", len);
  struct {
    uint64_t f[32];
    uint32_t fcsr;
    uint32_t pad[10];
  } fp;
  struct iovec fiov = {&fp, sizeof fp};
  say("GETREGSET NT_PRFPREG", ptrace(PTRACE_GETREGSET, t, (void*)NT_PRFPREG, &fiov));
  double d;
  memcpy(&d, &fp.f[8], sizeof d);
  printf("NT_PRFPREG iov_len = %zu, fs0 = %g\n", fiov.iov_len, d);
  d = 2.5;
  memcpy(&fp.f[8], &d, sizeof d);
  say("SETREGSET NT_PRFPREG fs0 = 2.5", ptrace(PTRACE_SETREGSET, t, (void*)NT_PRFPREG, &fiov));
#else
  printf("NT_PRSTATUS iov_len in bytes = 256\n");
  printf("GETREGSET NT_PRFPREG = 0\n");
  printf("NT_PRFPREG iov_len = 264, fs0 = 1.5\n");
  printf("SETREGSET NT_PRFPREG fs0 = 2.5 = 0\n");
#endif

  // Syscall stops until the marked write's entry.
  unsigned long entry_pc = 0;
  int entry_status = 0;
  for (int i = 0; i < 100; i++) {
    if (ptrace(PTRACE_SYSCALL, t, 0, 0) != 0) return 2;
    waitpid(t, &entry_status, 0);
    if (!WIFSTOPPED(entry_status) || getregs(t) < 0) return 3;
    if (NR(regs) == SYS_write && ARG0(regs) == (unsigned long)-1) break;
    // Not ours: its exit stop next.
    if (ptrace(PTRACE_SYSCALL, t, 0, 0) != 0) return 2;
    waitpid(t, &entry_status, 0);
  }
  entry_pc = PCOF(regs);
  printf("entry stop: status>>8 == SIGTRAP = %d\n", (entry_status >> 8) == SIGTRAP);
  printf("entry stop: number is write = %d, a0 = %ld, a2 = %ld\n", NR(regs) == SYS_write,
         (long)ARG0(regs), (long)ARG2(regs));
#if defined(__riscv)
  errno = 0;
  long insn = ptrace(PTRACE_PEEKDATA, t, (void*)(entry_pc - 4), 0);
  printf("entry stop: the instruction before pc is ecall = %d\n", errno == 0 && (uint32_t)insn == 0x73);
#else
  long insn = ptrace(PTRACE_PEEKDATA, t, (void*)(entry_pc - 2), 0);
  printf("entry stop: the instruction before pc is ecall = %d\n", (insn & 0xffff) == 0x050f);
#endif
  say("SETOPTIONS TRACESYSGOOD", ptrace(PTRACE_SETOPTIONS, t, 0, (void*)PTRACE_O_TRACESYSGOOD));
  say("PTRACE_SYSCALL", ptrace(PTRACE_SYSCALL, t, 0, 0));
  waitpid(t, &st, 0);
  getregs(t);
  printf("exit stop: status>>8 == (SIGTRAP | 0x80) = %d\n", (st >> 8) == (SIGTRAP | 0x80));
  printf("exit stop: a0 = %ld (-EBADF = %d), pc unchanged = %d\n", (long)RET(regs), -EBADF,
         PCOF(regs) == entry_pc);
  SETRET(regs, 77);
  struct iovec iov = {regs, NREGS * 8};
  say("SETREGSET a0 = 77", ptrace(PTRACE_SETREGSET, t, (void*)NT_PRSTATUS, &iov));
  say("PTRACE_CONT", ptrace(PTRACE_CONT, t, 0, 0));
  waitpid(t, &st, 0);
  printf("tracee exit status = %d (1: write returned 77, 2: fs0 was 2.5)\n",
         WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}
