// hal/sigframe.h for the host tests: a frame is the siginfo, a copy of the
// host user frame and the saved state, in ordinary memory.
#include "hal/sigframe.h"

#include <cstring>

namespace tine::hal {

struct UserFrame {  // as hal/host/user.cpp
  u64 regs[32];
  u64 pc;
};

namespace {
struct alignas(16) HostSigframe {
  u8 info[128];
  UserFrame regs;
  FpState fp;
  SigFrameSave save;
  u64 reserved;  // must be zero at sigreturn, as on riscv
};
static_assert(sizeof(HostSigframe) <= kSigFrameMax);
}  // namespace

size_t sigframe_size() { return sizeof(HostSigframe); }

void sigframe_build(void* buf, const UserFrame* f, const FpState& fp, const void* siginfo,
                    const SigFrameSave& save) {
  auto* fr = static_cast<HostSigframe*>(buf);
  *fr = HostSigframe{};
  std::memcpy(fr->info, siginfo, sizeof fr->info);
  fr->regs = *f;
  fr->fp = fp;
  fr->save = save;
}

void sigframe_enter(UserFrame* f, uptr at, int sig, uptr handler, uptr ret) {
  f->pc = handler;
  f->regs[2] = at;
  f->regs[1] = ret;
  f->regs[10] = u64(sig);
  f->regs[11] = at + offsetof(HostSigframe, info);
  f->regs[12] = at + offsetof(HostSigframe, regs);
}

uptr sigframe_of_return(const UserFrame* f) { return f->regs[2]; }

bool sigframe_restore(const void* buf, UserFrame* f, FpState& fp, SigFrameSave& save) {
  const auto* fr = static_cast<const HostSigframe*>(buf);
  if (fr->reserved) return false;
  *f = fr->regs;
  fp = fr->fp;
  save = fr->save;
  return true;
}

void user_frame_restart_syscall(UserFrame* f, u64 a0) {
  f->pc -= 4;
  f->regs[10] = a0;
}

void user_frame_restart_as(UserFrame* f, u64 nr) {
  f->pc -= 4;
  f->regs[17] = nr;  // the simulated frame keeps RISC-V's numbering: a7
}

u64 user_frame_return_value(const UserFrame* f) { return f->regs[10]; }

}  // namespace tine::hal
