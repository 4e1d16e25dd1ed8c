// hal/sigframe.h on riscv64: Linux's struct rt_sigframe (arch/riscv/kernel/
// signal.c) with the uapi layouts of asm/ucontext.h, asm/sigcontext.h and
// asm/ptrace.h, so a glibc handler's ucontext_t reads it as on Linux.
#include "hal/sigframe.h"

#include "core/lib/string.h"
#include "hal/riscv/trap_frame.h"

namespace tine::hal {

using riscv::TrapFrame;
struct UserFrame : TrapFrame {};  // as hal/riscv/user.cpp

namespace {

// struct sigcontext: user_regs_struct (pc, then x1..x31) and the FP state
// union, whose largest member (__riscv_q_ext_state, or the extension
// header of newer kernels) makes it 528 bytes, 16-aligned. Tine fills the
// D part and zeroes the rest, as a kernel without V writes an empty
// extension chain (END_MAGIC 0, size 0).
struct alignas(16) FpUnion {
  u64 f[32];
  u32 fcsr;
  u8 rest[528 - 32 * 8 - 4];
};
static_assert(sizeof(FpUnion) == 528);
// The reserved words Linux's sigreturn insists are zero: q.reserved[0..2]
// (= sc_extdesc.reserved and its END header).
inline constexpr size_t kFpReservedOff = 516;

struct SigContext {
  u64 regs[32];  // regs[0] = pc, regs[n] = xn
  FpUnion fp;
};
static_assert(sizeof(SigContext) == 784);

struct alignas(16) UContext {
  u64 uc_flags;
  u64 uc_link;
  u64 ss_sp;  // stack_t: ss_sp, ss_flags (int), ss_size
  i32 ss_flags;
  i32 ss_pad;
  u64 ss_size;
  u64 uc_sigmask;
  u8 unused[1024 / 8 - 8];
  SigContext uc_mcontext;
};
static_assert(offsetof(UContext, uc_sigmask) == 40);
static_assert(offsetof(UContext, uc_mcontext) == 176);

struct RtSigframe {
  u8 info[128];
  UContext uc;
};
static_assert(offsetof(RtSigframe, uc) == 128);
static_assert(sizeof(RtSigframe) == 1088);
static_assert(sizeof(RtSigframe) <= kSigFrameMax);

}  // namespace

size_t sigframe_size() { return sizeof(RtSigframe); }

void sigframe_build(void* buf, const UserFrame* f, const FpState& fp, const void* siginfo,
                    const SigFrameSave& save) {
  auto* fr = static_cast<RtSigframe*>(buf);
  memset(fr, 0, sizeof *fr);
  memcpy(fr->info, siginfo, sizeof fr->info);
  UContext& uc = fr->uc;
  uc.ss_sp = save.ss_sp;
  uc.ss_flags = save.ss_flags;
  uc.ss_size = save.ss_size;
  uc.uc_sigmask = save.mask;
  SigContext& sc = uc.uc_mcontext;
  sc.regs[0] = f->sepc;
  for (unsigned i = 1; i < 32; i++) sc.regs[i] = f->x[i];
  for (unsigned i = 0; i < 32; i++) sc.fp.f[i] = fp.f[i];
  sc.fp.fcsr = u32(fp.fcsr);
}

void sigframe_enter(UserFrame* f, uptr at, int sig, uptr handler, uptr ret) {
  f->sepc = handler;
  f->x[riscv::kSp] = at;
  f->x[riscv::kRa] = ret;
  f->x[riscv::kA0] = u64(sig);
  f->x[riscv::kA1] = at + offsetof(RtSigframe, info);
  f->x[riscv::kA2] = at + offsetof(RtSigframe, uc);
}

uptr sigframe_of_return(const UserFrame* f) { return f->x[riscv::kSp]; }

bool sigframe_restore(const void* buf, UserFrame* f, FpState& fp, SigFrameSave& save) {
  const auto* fr = static_cast<const RtSigframe*>(buf);
  const UContext& uc = fr->uc;
  const SigContext& sc = uc.uc_mcontext;
  const u8* fpb = reinterpret_cast<const u8*>(&sc.fp);
  for (size_t i = kFpReservedOff; i < sizeof(FpUnion); i++)
    if (fpb[i]) return false;
  // Only the registers: sstatus and the rest of the trap state stay the
  // kernel's, so a frame cannot ask for supervisor mode.
  f->sepc = sc.regs[0];
  for (unsigned i = 1; i < 32; i++) f->x[i] = sc.regs[i];
  for (unsigned i = 0; i < 32; i++) fp.f[i] = sc.fp.f[i];
  fp.fcsr = sc.fp.fcsr;
  save.mask = uc.uc_sigmask;
  save.ss_sp = uc.ss_sp;
  save.ss_flags = uc.ss_flags;
  save.ss_size = uc.ss_size;
  return true;
}

void user_frame_restart_syscall(UserFrame* f, u64 a0) {
  f->sepc -= 4;  // ecall has no compressed form: always 4 bytes
  f->x[riscv::kA0] = a0;
}

void user_frame_restart_as(UserFrame* f, u64 nr) {
  f->sepc -= 4;
  f->x[riscv::kA7] = nr;
}

u64 user_frame_return_value(const UserFrame* f) { return f->x[riscv::kA0]; }

}  // namespace tine::hal
