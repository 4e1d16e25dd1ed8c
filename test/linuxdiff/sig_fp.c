// FP state across an asynchronous signal: all 32 FP registers and fcsr
// are live in an asm loop when a signal from a child arrives; the handler
// finds them in its ucontext (uc_mcontext's FP state), clobbers every FP
// register and fcsr, and changes f31 in the ucontext. After the return
// through rt_sigreturn the loop sees its own values again, f31 as the
// handler left it in the ucontext.
#include "ld.h"

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>

#define F_ALL(op, p)                                                                    \
  op " f0, 0(" p ")\n\t" op " f1, 8(" p ")\n\t" op " f2, 16(" p ")\n\t" op             \
     " f3, 24(" p ")\n\t" op " f4, 32(" p ")\n\t" op " f5, 40(" p ")\n\t" op           \
     " f6, 48(" p ")\n\t" op " f7, 56(" p ")\n\t" op " f8, 64(" p ")\n\t" op           \
     " f9, 72(" p ")\n\t" op " f10, 80(" p ")\n\t" op " f11, 88(" p ")\n\t" op         \
     " f12, 96(" p ")\n\t" op " f13, 104(" p ")\n\t" op " f14, 112(" p ")\n\t" op      \
     " f15, 120(" p ")\n\t" op " f16, 128(" p ")\n\t" op " f17, 136(" p ")\n\t" op     \
     " f18, 144(" p ")\n\t" op " f19, 152(" p ")\n\t" op " f20, 160(" p ")\n\t" op     \
     " f21, 168(" p ")\n\t" op " f22, 176(" p ")\n\t" op " f23, 184(" p ")\n\t" op     \
     " f24, 192(" p ")\n\t" op " f25, 200(" p ")\n\t" op " f26, 208(" p ")\n\t" op     \
     " f27, 216(" p ")\n\t" op " f28, 224(" p ")\n\t" op " f29, 232(" p ")\n\t" op     \
     " f30, 240(" p ")\n\t" op " f31, 248(" p ")\n\t"

static uint64_t in[33], out[33], junk[33];
static volatile int flag;
static int seen_match, seen_fcsr;

static void on_sig(int sig, siginfo_t* si, void* ucv) {
  (void)sig;
  (void)si;
  ucontext_t* uc = ucv;
  int match = 0;
  for (int i = 0; i < 32; i++) {
    uint64_t v;
    memcpy(&v, &uc->uc_mcontext.__fpregs.__d.__f[i], 8);
    match += v == in[i];
  }
  seen_match = match;
  seen_fcsr = uc->uc_mcontext.__fpregs.__d.__fcsr == (unsigned)in[32];
  // Every FP register and fcsr clobbered here.
  __asm__ volatile(F_ALL("fld", "%0") "ld t0, 256(%0)\n\tfscsr t0\n\t" ::"r"(junk)
                   : "t0", "memory");
  uint64_t f31 = 0x4045000000000000ull;  // 42.0
  memcpy(&uc->uc_mcontext.__fpregs.__d.__f[31], &f31, 8);
  flag = 1;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  for (int i = 0; i < 32; i++) {
    in[i] = 0x3ff0000000000000ull + (uint64_t)(i + 1) * 0x0001000000000000ull / 4;
    junk[i] = 0xdeadbeef00000000ull | (uint64_t)i;
  }
  in[32] = 0x41;   // frm = 2 (RDN), NX
  junk[32] = 0x1f; // all flags, frm 0
  struct sigaction sa = {0};
  sa.sa_sigaction = on_sig;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);

  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    struct timespec t = {0, 50 * 1000000L};
    nanosleep(&t, NULL);
    kill(parent, SIGUSR1);
    _exit(0);
  }
  __asm__ volatile(F_ALL("fld", "%0") "ld t0, 256(%0)\n\tfscsr t0\n\t"
                   "1: lw t1, 0(%2)\n\tbeqz t1, 1b\n\t"
                   F_ALL("fsd", "%1") "frcsr t0\n\tsd t0, 256(%1)\n\t"
                   :
                   : "r"(in), "r"(out), "r"(&flag)
                   : "t0", "t1", "memory", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8",
                     "f9", "f10", "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19",
                     "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30",
                     "f31");
  int st;
  waitpid(c, &st, 0);
  int same = 0;
  for (int i = 0; i < 31; i++) same += out[i] == in[i];
  printf("handler saw the interrupted FP registers: %d of 32, fcsr %d\n", seen_match, seen_fcsr);
  printf("f0-f30 back after the handler: %d of 31\n", same);
  printf("f31 as the handler set it in the ucontext: %d\n", out[31] == 0x4045000000000000ull);
  printf("fcsr back: %d\n", out[32] == in[32]);
  return 0;
}
