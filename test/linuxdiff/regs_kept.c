// Every register a user program has, across each way through the kernel
// (the fast syscall path leaves s0-s11 in place and saves them only when
// it must; FP registers are saved only when dirty): regs_ecall loads every
// x register but sp, gp and tp, every f register and fcsr with known
// values, makes one ecall and stores them all again; Linux keeps all but
// a0. Calls of the fast path (getppid, getpid, gettid, sched_yield, read
// and write of a pipe, clock_gettime) and of the slow one (uname,
// getpriority); a signal handler that changes every register it can reach
// (clobber_handler), taken on the return from a fast call and in a loop
// without calls (regs_spin); fork and a 4.4BSD vfork, in parent and child;
// and six processes that spin and yield at once, so that preemption and
// switches at 4 harts move them around.
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

enum { NIN = 65, A0 = 10, A1 = 11, A2 = 12, A7 = 17 };

void regs_ecall(const uint64_t* in, uint64_t* out);
void regs_spin(const uint64_t* in, uint64_t* out);
void clobber_handler(int);
volatile int handler_runs;

/* Shared by regs_ecall and regs_spin: save what the C caller expects
   kept, then load every register from in (a0) as regs_ecall says;
   a1 (out) is kept on the stack. */
#define REGS_LOAD_FROM_IN \
    "  addi sp, sp, -256\n" \
    "  sd ra, 0(sp)\n" \
    "  sd s0, 8(sp)\n" \
    "  sd s1, 16(sp)\n" \
    "  sd s2, 24(sp)\n" \
    "  sd s3, 32(sp)\n" \
    "  sd s4, 40(sp)\n" \
    "  sd s5, 48(sp)\n" \
    "  sd s6, 56(sp)\n" \
    "  sd s7, 64(sp)\n" \
    "  sd s8, 72(sp)\n" \
    "  sd s9, 80(sp)\n" \
    "  sd s10, 88(sp)\n" \
    "  sd s11, 96(sp)\n" \
    "  fsd fs0, 104(sp)\n" \
    "  fsd fs1, 112(sp)\n" \
    "  fsd fs2, 120(sp)\n" \
    "  fsd fs3, 128(sp)\n" \
    "  fsd fs4, 136(sp)\n" \
    "  fsd fs5, 144(sp)\n" \
    "  fsd fs6, 152(sp)\n" \
    "  fsd fs7, 160(sp)\n" \
    "  fsd fs8, 168(sp)\n" \
    "  fsd fs9, 176(sp)\n" \
    "  fsd fs10, 184(sp)\n" \
    "  fsd fs11, 192(sp)\n" \
    "  sd a1, 200(sp)\n" \
    "  frcsr t0\n" \
    "  sd t0, 208(sp)\n" \
    "  mv t6, a0\n" \
    "  fld f0, 256(t6)\n" \
    "  fld f1, 264(t6)\n" \
    "  fld f2, 272(t6)\n" \
    "  fld f3, 280(t6)\n" \
    "  fld f4, 288(t6)\n" \
    "  fld f5, 296(t6)\n" \
    "  fld f6, 304(t6)\n" \
    "  fld f7, 312(t6)\n" \
    "  fld f8, 320(t6)\n" \
    "  fld f9, 328(t6)\n" \
    "  fld f10, 336(t6)\n" \
    "  fld f11, 344(t6)\n" \
    "  fld f12, 352(t6)\n" \
    "  fld f13, 360(t6)\n" \
    "  fld f14, 368(t6)\n" \
    "  fld f15, 376(t6)\n" \
    "  fld f16, 384(t6)\n" \
    "  fld f17, 392(t6)\n" \
    "  fld f18, 400(t6)\n" \
    "  fld f19, 408(t6)\n" \
    "  fld f20, 416(t6)\n" \
    "  fld f21, 424(t6)\n" \
    "  fld f22, 432(t6)\n" \
    "  fld f23, 440(t6)\n" \
    "  fld f24, 448(t6)\n" \
    "  fld f25, 456(t6)\n" \
    "  fld f26, 464(t6)\n" \
    "  fld f27, 472(t6)\n" \
    "  fld f28, 480(t6)\n" \
    "  fld f29, 488(t6)\n" \
    "  fld f30, 496(t6)\n" \
    "  fld f31, 504(t6)\n" \
    "  ld t0, 512(t6)\n" \
    "  fscsr t0\n" \
    "  ld x1, 8(t6)\n" \
    "  ld x5, 40(t6)\n" \
    "  ld x6, 48(t6)\n" \
    "  ld x7, 56(t6)\n" \
    "  ld x8, 64(t6)\n" \
    "  ld x9, 72(t6)\n" \
    "  ld x10, 80(t6)\n" \
    "  ld x11, 88(t6)\n" \
    "  ld x12, 96(t6)\n" \
    "  ld x13, 104(t6)\n" \
    "  ld x14, 112(t6)\n" \
    "  ld x15, 120(t6)\n" \
    "  ld x16, 128(t6)\n" \
    "  ld x17, 136(t6)\n" \
    "  ld x18, 144(t6)\n" \
    "  ld x19, 152(t6)\n" \
    "  ld x20, 160(t6)\n" \
    "  ld x21, 168(t6)\n" \
    "  ld x22, 176(t6)\n" \
    "  ld x23, 184(t6)\n" \
    "  ld x24, 192(t6)\n" \
    "  ld x25, 200(t6)\n" \
    "  ld x26, 208(t6)\n" \
    "  ld x27, 216(t6)\n" \
    "  ld x28, 224(t6)\n" \
    "  ld x29, 232(t6)\n" \
    "  ld x30, 240(t6)\n" \
    "  ld t6, 248(t6)\n"

__asm__(
    "  .text\n"
    "  .globl regs_ecall\n"
    "  .type regs_ecall, @function\n"
    "/* regs_ecall(in, out): every register but sp, gp, tp from in[n] (x) and\n"
    "   in[32+n] (f), in[64] fcsr; an ecall (a7 = in[17]); then every\n"
    "   register into out the same way. Callee-saved registers kept. */\n"
    "regs_ecall:\n"
    REGS_LOAD_FROM_IN
    "  .globl regs_ecall_insn\n"
    "regs_ecall_insn:\n"
    "  ecall\n"
    "  .globl regs_spin_back\n"
    "regs_spin_back:\n"
    "  sd t6, 216(sp)\n"
    "  ld t6, 200(sp)\n"
    "  sd x1, 8(t6)\n"
    "  sd x5, 40(t6)\n"
    "  sd x6, 48(t6)\n"
    "  sd x7, 56(t6)\n"
    "  sd x8, 64(t6)\n"
    "  sd x9, 72(t6)\n"
    "  sd x10, 80(t6)\n"
    "  sd x11, 88(t6)\n"
    "  sd x12, 96(t6)\n"
    "  sd x13, 104(t6)\n"
    "  sd x14, 112(t6)\n"
    "  sd x15, 120(t6)\n"
    "  sd x16, 128(t6)\n"
    "  sd x17, 136(t6)\n"
    "  sd x18, 144(t6)\n"
    "  sd x19, 152(t6)\n"
    "  sd x20, 160(t6)\n"
    "  sd x21, 168(t6)\n"
    "  sd x22, 176(t6)\n"
    "  sd x23, 184(t6)\n"
    "  sd x24, 192(t6)\n"
    "  sd x25, 200(t6)\n"
    "  sd x26, 208(t6)\n"
    "  sd x27, 216(t6)\n"
    "  sd x28, 224(t6)\n"
    "  sd x29, 232(t6)\n"
    "  sd x30, 240(t6)\n"
    "  ld t0, 216(sp)\n"
    "  sd t0, 248(t6)\n"
    "  fsd f0, 256(t6)\n"
    "  fsd f1, 264(t6)\n"
    "  fsd f2, 272(t6)\n"
    "  fsd f3, 280(t6)\n"
    "  fsd f4, 288(t6)\n"
    "  fsd f5, 296(t6)\n"
    "  fsd f6, 304(t6)\n"
    "  fsd f7, 312(t6)\n"
    "  fsd f8, 320(t6)\n"
    "  fsd f9, 328(t6)\n"
    "  fsd f10, 336(t6)\n"
    "  fsd f11, 344(t6)\n"
    "  fsd f12, 352(t6)\n"
    "  fsd f13, 360(t6)\n"
    "  fsd f14, 368(t6)\n"
    "  fsd f15, 376(t6)\n"
    "  fsd f16, 384(t6)\n"
    "  fsd f17, 392(t6)\n"
    "  fsd f18, 400(t6)\n"
    "  fsd f19, 408(t6)\n"
    "  fsd f20, 416(t6)\n"
    "  fsd f21, 424(t6)\n"
    "  fsd f22, 432(t6)\n"
    "  fsd f23, 440(t6)\n"
    "  fsd f24, 448(t6)\n"
    "  fsd f25, 456(t6)\n"
    "  fsd f26, 464(t6)\n"
    "  fsd f27, 472(t6)\n"
    "  fsd f28, 480(t6)\n"
    "  fsd f29, 488(t6)\n"
    "  fsd f30, 496(t6)\n"
    "  fsd f31, 504(t6)\n"
    "  frcsr t0\n"
    "  sd t0, 512(t6)\n"
    "  ld t0, 208(sp)\n"
    "  fscsr t0\n"
    "  ld ra, 0(sp)\n"
    "  ld s0, 8(sp)\n"
    "  ld s1, 16(sp)\n"
    "  ld s2, 24(sp)\n"
    "  ld s3, 32(sp)\n"
    "  ld s4, 40(sp)\n"
    "  ld s5, 48(sp)\n"
    "  ld s6, 56(sp)\n"
    "  ld s7, 64(sp)\n"
    "  ld s8, 72(sp)\n"
    "  ld s9, 80(sp)\n"
    "  ld s10, 88(sp)\n"
    "  ld s11, 96(sp)\n"
    "  fld fs0, 104(sp)\n"
    "  fld fs1, 112(sp)\n"
    "  fld fs2, 120(sp)\n"
    "  fld fs3, 128(sp)\n"
    "  fld fs4, 136(sp)\n"
    "  fld fs5, 144(sp)\n"
    "  fld fs6, 152(sp)\n"
    "  fld fs7, 160(sp)\n"
    "  fld fs8, 168(sp)\n"
    "  fld fs9, 176(sp)\n"
    "  fld fs10, 184(sp)\n"
    "  fld fs11, 192(sp)\n"
    "  addi sp, sp, 256\n"
    "  ret\n"
    "  .size regs_ecall, .-regs_ecall\n"
    "  .globl regs_spin\n"
    "  .type regs_spin, @function\n"
    "/* regs_spin(in, out): as regs_ecall, with a loop of in[10] turns\n"
    "   (a0 counts down to 0) in place of the ecall: time for preemption. */\n"
    "regs_spin:\n"
    REGS_LOAD_FROM_IN
    "1:\n"
    "  addi a0, a0, -1\n"
    "  bnez a0, 1b\n"
    "  j regs_spin_back\n"
    "  .size regs_spin, .-regs_spin\n"
    "  .globl clobber_handler\n"
    "  .type clobber_handler, @function\n"
    "/* A signal handler that changes every register it may reach (all but\n"
    "   sp, gp, tp and ra) and fcsr, then returns: what the kernel restores\n"
    "   from the signal frame must be all the interrupted code sees. */\n"
    "clobber_handler:\n"
    "  la t0, handler_runs\n"
    "  li t1, 1\n"
    "  amoadd.w zero, t1, (t0)\n"
    "  fcvt.d.w f0, a0\n"
    "  fcvt.d.w f1, a0\n"
    "  fcvt.d.w f2, a0\n"
    "  fcvt.d.w f3, a0\n"
    "  fcvt.d.w f4, a0\n"
    "  fcvt.d.w f5, a0\n"
    "  fcvt.d.w f6, a0\n"
    "  fcvt.d.w f7, a0\n"
    "  fcvt.d.w f8, a0\n"
    "  fcvt.d.w f9, a0\n"
    "  fcvt.d.w f10, a0\n"
    "  fcvt.d.w f11, a0\n"
    "  fcvt.d.w f12, a0\n"
    "  fcvt.d.w f13, a0\n"
    "  fcvt.d.w f14, a0\n"
    "  fcvt.d.w f15, a0\n"
    "  fcvt.d.w f16, a0\n"
    "  fcvt.d.w f17, a0\n"
    "  fcvt.d.w f18, a0\n"
    "  fcvt.d.w f19, a0\n"
    "  fcvt.d.w f20, a0\n"
    "  fcvt.d.w f21, a0\n"
    "  fcvt.d.w f22, a0\n"
    "  fcvt.d.w f23, a0\n"
    "  fcvt.d.w f24, a0\n"
    "  fcvt.d.w f25, a0\n"
    "  fcvt.d.w f26, a0\n"
    "  fcvt.d.w f27, a0\n"
    "  fcvt.d.w f28, a0\n"
    "  fcvt.d.w f29, a0\n"
    "  fcvt.d.w f30, a0\n"
    "  fcvt.d.w f31, a0\n"
    "  li t0, 0x41\n"
    "  fscsr t0\n"
    "  li x5, -1005\n"
    "  li x6, -1006\n"
    "  li x7, -1007\n"
    "  li x8, -1008\n"
    "  li x9, -1009\n"
    "  li x10, -1010\n"
    "  li x11, -1011\n"
    "  li x12, -1012\n"
    "  li x13, -1013\n"
    "  li x14, -1014\n"
    "  li x15, -1015\n"
    "  li x16, -1016\n"
    "  li x17, -1017\n"
    "  li x18, -1018\n"
    "  li x19, -1019\n"
    "  li x20, -1020\n"
    "  li x21, -1021\n"
    "  li x22, -1022\n"
    "  li x23, -1023\n"
    "  li x24, -1024\n"
    "  li x25, -1025\n"
    "  li x26, -1026\n"
    "  li x27, -1027\n"
    "  li x28, -1028\n"
    "  li x29, -1029\n"
    "  li x30, -1030\n"
    "  li t6, -1031\n"
    "  ret\n"
    "  .size clobber_handler, .-clobber_handler\n"
);

// The values regs_ecall loads: x registers from seed, f registers as bit
// patterns, fcsr rounding mode 1 with two flags set.
static void fill(uint64_t* in, uint64_t seed, long nr, long a0, long a1, long a2) {
  for (int n = 0; n < 32; n++) {
    in[n] = seed * 0x9e3779b97f4a7c15ull + (uint64_t)n * 0x0101010101010101ull;
    in[32 + n] = (seed << 20) ^ ((uint64_t)n << 44) ^ 0x4009000000000000ull;
  }
  in[64] = 0x23;
  in[A7] = (uint64_t)nr;
  in[A0] = (uint64_t)a0;
  in[A1] = (uint64_t)a1;
  in[A2] = (uint64_t)a2;
}

// Registers that differ between in and out (sp, gp, tp, a0 not compared).
static int changed(const uint64_t* in, const uint64_t* out) {
  int bad = 0;
  for (int n = 1; n < NIN; n++) {
    if (n == 2 || n == 3 || n == 4 || n == A0) continue;
    if (in[n] != out[n]) {
      if (bad < 3) fprintf(stderr, "register %s%d: %#llx, was %#llx\n", n < 32 ? "x" : n < 64 ? "f" : "fcsr", n < 32 ? n : n - 32,
                           (unsigned long long)out[n], (unsigned long long)in[n]);
      bad++;
    }
  }
  return bad;
}

// n calls of syscall nr (args a0..a2); the number of calls that lost a
// register or returned other than `want` (want < -4095: any result).
static int calls(uint64_t seed, int n, long nr, long a0, long a1, long a2, long want) {
  uint64_t in[NIN], out[NIN];
  int bad = 0;
  for (int i = 0; i < n; i++) {
    fill(in, seed + (uint64_t)i, nr, a0, a1, a2);
    regs_ecall(in, out);
    if (changed(in, out) || (want >= -4095 && (long)out[A0] != want)) bad++;
  }
  return bad;
}

static void direct_calls(void) {
  int p[2];
  if (pipe(p)) return;
  char buf[16] = {0};
  struct timespec ts;
  printf("getppid: %d bad\n", calls(1, 300, SYS_getppid, 0, 0, 0, getppid()));
  printf("getpid: %d bad\n", calls(2, 300, SYS_getpid, 0, 0, 0, getpid()));
  printf("gettid: %d bad\n", calls(3, 300, SYS_gettid, 0, 0, 0, gettid()));
  printf("sched_yield: %d bad\n", calls(4, 300, SYS_sched_yield, 0, 0, 0, 0));
  printf("clock_gettime: %d bad\n", calls(5, 300, SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0, 0));
  int bad = 0;
  for (int i = 0; i < 300; i++) {
    bad += calls(6 + (uint64_t)i * 7, 1, SYS_write, p[1], (long)"x", 1, 1);
    bad += calls(7 + (uint64_t)i * 7, 1, SYS_read, p[0], (long)buf, sizeof buf, 1);
  }
  printf("pipe write and read: %d bad\n", bad);
  printf("read of a closed descriptor: %d bad\n", calls(8, 100, SYS_read, 999, (long)buf, 1, -9));
  printf("getpriority: %d bad\n", calls(9, 100, SYS_getpriority, PRIO_PROCESS, 0, 0, -5000));
  struct utsname u;
  printf("uname: %d bad\n", calls(10, 100, SYS_uname, (long)&u, 0, 0, 0));
  close(p[0]);
  close(p[1]);
}

// SIGALRM every 200 us runs clobber_handler; the interrupted code must
// get back every register.
static void signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = clobber_handler;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 200}, {0, 200}};
  setitimer(ITIMER_REAL, &it, NULL);
  uint64_t in[NIN], out[NIN];
  int bad = 0, first = handler_runs;
  for (uint64_t i = 0; handler_runs - first < 40 && i < 20000000; i++) {
    fill(in, 100 + i, SYS_getppid, 0, 0, 0);
    regs_ecall(in, out);
    if (changed(in, out) || (long)out[A0] != getppid()) bad++;
  }
  printf("handlers on the way out of getppid: %d, %d bad\n", handler_runs - first >= 40, bad);
  bad = 0, first = handler_runs;
  for (uint64_t i = 0; handler_runs - first < 40 && i < 200000; i++) {
    fill(in, 200 + i, 0, 3000, 0, 0);
    regs_spin(in, out);
    if (changed(in, out) || out[A0] != 0) bad++;
  }
  printf("handlers in a loop: %d, %d bad\n", handler_runs - first >= 40, bad);
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  signal(SIGALRM, SIG_DFL);
}

// fork-like clone: the child's registers are the parent's (a0 = 0).
static void forks(const char* what, long flags) {
  uint64_t in[NIN], out[NIN];
  fill(in, 300, SYS_clone, flags, 0, 0);
  regs_ecall(in, out);
  const long r = (long)out[A0];
  const int bad = changed(in, out);
  if (r == 0) _exit(bad ? 1 : 0);
  int st = -1;
  waitpid((pid_t)r, &st, 0);
  printf("%s: parent %d bad, child exit %d\n", what, bad, WIFEXITED(st) ? WEXITSTATUS(st) : 100);
}

// Six processes at once, each spinning and making calls with its own
// values: preemption and switches (4 harts: migrations) in between.
static void crowd(void) {
  pid_t kids[6];
  for (int k = 0; k < 6; k++) {
    kids[k] = fork();
    if (kids[k] == 0) {
      uint64_t in[NIN], out[NIN];
      int bad = 0;
      for (int i = 0; i < 40; i++) {
        fill(in, 1000 * (uint64_t)k + (uint64_t)i, 0, 100000, 0, 0);
        regs_spin(in, out);
        if (changed(in, out) || out[A0] != 0) bad++;
        bad += calls(5000 * (uint64_t)k + (uint64_t)i, 3, SYS_sched_yield, 0, 0, 0, 0);
        bad += calls(7000 * (uint64_t)k + (uint64_t)i, 3, SYS_getppid, 0, 0, 0, -5000);
      }
      _exit(bad ? 1 : 0);
    }
  }
  int ok = 0;
  for (int k = 0; k < 6; k++) {
    int st = -1;
    waitpid(kids[k], &st, 0);
    ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
  }
  printf("six spinning processes kept their registers: %d of 6\n", ok);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  direct_calls();
  signals();
  forks("fork", SIGCHLD);
  forks("4.4BSD vfork", CLONE_VFORK | SIGCHLD);
  crowd();
  return 0;
}
