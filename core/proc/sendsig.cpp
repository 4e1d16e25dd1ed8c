#include "core/proc/sendsig.h"

#include "core/proc/signal.h"
#include "core/proc/vdso.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"
#include "hal/sigframe.h"

namespace tine {

namespace {
bool on_sigstack(const Lwp* l, uptr sp) {
  if (l->l_sigstk_flags & kSsAutoDisarm) return false;  // as Linux
  return sp > l->l_sigstk_sp && sp - l->l_sigstk_sp <= l->l_sigstk_size;
}

// sigaltstack's ss_flags for the current state, as Linux's sas_ss_flags.
i32 sigstk_flags(const Lwp* l, uptr sp) {
  if (!l->l_sigstk_size) return kSsDisable;
  return on_sigstack(l, sp) ? kSsOnStack : 0;
}
}  // namespace

bool sendsig(Lwp* l, hal::UserFrame* f, int sig, const SigInfo& info, const SigAction& act) {
  Proc* p = l->proc;
  const size_t size = hal::sigframe_size();
  const uptr usp = hal::user_frame_sp(f);
  // Running on the alternate stack already: the frame must fit on it,
  // else it would run off its bottom (Linux returns a bogus address).
  if (on_sigstack(l, usp) && !on_sigstack(l, usp - size)) return false;
  uptr sp = usp;
  if ((act.flags & kSaOnStack) && sigstk_flags(l, usp) == 0)
    sp = l->l_sigstk_sp + l->l_sigstk_size;
  if (sp < size + 16) return false;
  const uptr at = (sp - size) & ~uptr(15);

  hal::SigFrameSave save;
  save.mask = l->l_sigsaved_set ? l->l_sigsaved : l->l_sigmask;
  save.ss_sp = l->l_sigstk_sp;
  save.ss_size = l->l_sigstk_size;
  save.ss_flags = sigstk_flags(l, usp) | i32(l->l_sigstk_flags);
  {
    // The live FP registers into the LWP's own copy (hal/user.h's
    // contract); interrupts off so a switch cannot come between.
    hal::IrqState s = hal::irq_save();
    hal::fp_save(l->fp);
    hal::irq_restore(s);
  }
  alignas(16) u8 buf[hal::kSigFrameMax];
  hal::sigframe_build(buf, f, l->fp, &info, save);
  if (!copyout(at, buf, size).ok()) return false;

  // Committed: the frame is written.
  if (sp != usp && (l->l_sigstk_flags & kSsAutoDisarm)) {
    l->l_sigstk_sp = 0;
    l->l_sigstk_size = 0;
    l->l_sigstk_flags = 0;
  }
  hal::sigframe_enter(f, at, sig, act.handler, vdso_sigreturn_pc(p));
  MutexGuard g(p->p_lock());
  u64 mask = l->l_sigmask | act.mask;
  if (!(act.flags & kSaNoDefer)) mask |= sigbit(sig);
  __atomic_store_n(&l->l_sigmask, mask & ~kSigCantMask, __ATOMIC_RELAXED);
  l->l_sigsaved_set = false;
  // A handler was set, so the table is the process's own; the test keeps
  // sigacts_default unwritten whatever happened since.
  if ((act.flags & kSaResetHand) && p->p_sigacts != &sigacts_default)
    p->p_sigacts->actions[sig].handler = kSigDfl;
  return true;
}

u64 sigreturn1(Lwp* l) {
  Proc* p = l->proc;
  hal::UserFrame* f = hal::user_frame_of(l->stack);
  const size_t size = hal::sigframe_size();
  const uptr at = hal::sigframe_of_return(f);
  alignas(16) u8 buf[hal::kSigFrameMax];
  hal::FpState fp;
  hal::SigFrameSave save;
  if (!copyin(buf, at, size).ok() || !hal::sigframe_restore(buf, f, fp, save)) {
    // Linux: force_sig(SIGSEGV), registers as they were.
    user_fault_signal(siginfo_kernel(kSigSegv));
    return hal::user_frame_return_value(f);
  }
  {
    hal::IrqState s = hal::irq_save();
    l->fp = fp;
    hal::fp_restore(l->fp);
    hal::irq_restore(s);
  }
  {
    MutexGuard g(p->p_lock());
    __atomic_store_n(&l->l_sigmask, save.mask & ~kSigCantMask, __ATOMIC_RELAXED);
    l->l_sigsaved_set = false;
  }
  // The alternate stack as it was; errors other than a fault are ignored,
  // as Linux's restore_altstack (typically EPERM: we are still on it).
  const SigStack ss{save.ss_sp, save.ss_flags, save.ss_size};
  (void)sigaltstack1(l, hal::user_frame_sp(f), &ss, nullptr);
  return hal::user_frame_return_value(f);
}

Result<void> sigaltstack1(Lwp* l, uptr sp, const SigStack* ss, SigStack* oss) {
  if (oss) {
    oss->sp = l->l_sigstk_sp;
    oss->size = l->l_sigstk_size;
    oss->flags = sigstk_flags(l, sp) | i32(l->l_sigstk_flags);
  }
  if (!ss) return ok();
  if (on_sigstack(l, sp)) return Error::Perm;
  const i32 mode = i32(u32(ss->flags) & ~kSsAutoDisarm);
  if (mode != kSsDisable && mode != kSsOnStack && mode != 0) return Error::Inval;
  if (mode == kSsDisable) {
    l->l_sigstk_sp = 0;
    l->l_sigstk_size = 0;
    l->l_sigstk_flags = 0;
    return ok();
  }
  if (ss->size < kMinSigStkSz) return Error::NoMem;
  l->l_sigstk_sp = ss->sp;
  l->l_sigstk_size = ss->size;
  l->l_sigstk_flags = u32(ss->flags) & kSsAutoDisarm;
  return ok();
}

}  // namespace tine
