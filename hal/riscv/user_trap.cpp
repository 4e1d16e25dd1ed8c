// Traps taken from U-mode: syscalls (ecall), page faults (the address
// space resolves them or the process gets SIGSEGV), other faults as
// signals with Linux's si_code and si_addr (arch/riscv/kernel/traps.c).
// Interrupts are on while the kernel serves the process.
#include "hal/riscv/user_trap.h"

#include "core/proc/emul.h"
#include "core/proc/proc.h"
#include "core/proc/sigacts.h"
#include "core/proc/signal.h"
#include "core/proc/syscall.h"
#include "core/proc/syscall_fast.h"
#include "core/sched/cpu.h"
#include "core/sched/cputime.h"
#include "core/sched/sched.h"
#include "core/vm/vm.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/hart.h"
#include "hal/riscv/syscall_offsets.h"
#include "hal/riscv/timer.h"
#include "hal/riscv/trap.h"
#include "hal/user.h"

namespace tine::hal::riscv {

namespace {
void page_fault(TrapFrame& f, Access access) {
  Lwp* l = curlwp();
  const int sig = vm_user_fault(l, f.stval, access);
  if (!sig) return;
  if (sig == kSigBus) {
    // A file mapping's page past the end of the file (Linux: BUS_ADRERR).
    user_fault_signal(siginfo_fault(kSigBus, kBusAdrerr, f.stval));
    return;
  }
  const i32 code = vm_user_mapped(l, f.stval) ? kSegvAccerr : kSegvMaperr;
  user_fault_signal(siginfo_fault(kSigSegv, code, f.stval));
}
}  // namespace

void user_exception(TrapFrame& f) {
  set_sstatus(kSstatusSIE);
  switch (static_cast<Exception>(f.scause)) {
    case Exception::EcallFromU: {
      f.sepc += 4;  // past the ecall (exec may replace sepc altogether)
      const SyscallArgs args{{f.x[kA0], f.x[kA1], f.x[kA2], f.x[kA3], f.x[kA4], f.x[kA5]}};
      const i64 r = syscall_dispatch(f.x[kA7], args);
      f.x[kA0] = static_cast<u64>(r);
      break;
    }
    case Exception::LoadPageFault: page_fault(f, Access::Read); break;
    case Exception::StorePageFault: page_fault(f, Access::Write); break;
    case Exception::InstructionPageFault: page_fault(f, Access::Exec); break;
    case Exception::IllegalInstruction:
      // The first FP instruction after a lazy switch in (hal/user.h).
      if (tine::hal::fp_first_use(curlwp()->fp, reinterpret_cast<tine::hal::UserFrame*>(&f))) break;
      user_fault_signal(siginfo_fault(kSigIll, kIllIllopc, f.sepc));
      break;
    case Exception::Breakpoint:
      user_fault_signal(siginfo_fault(kSigTrap, kTrapBrkpt, f.sepc));
      break;
    case Exception::InstructionMisaligned:
    case Exception::LoadMisaligned:
    case Exception::StoreMisaligned:
      user_fault_signal(siginfo_fault(kSigBus, kBusAdraln, f.stval));
      break;
    default:
      // Access faults (PMP): SEGV_ACCERR at the address, as Linux.
      user_fault_signal(siginfo_fault(kSigSegv, kSegvAccerr, f.stval));
      break;
  }
  clear_sstatus(kSstatusSIE);
}

}  // namespace tine::hal::riscv

using namespace tine::hal::riscv;
using tine::u32;
using tine::u64;

// trap.S's syscall path: it finds and runs a fast call itself
// (core/proc/syscall_fast.h's syscall_fast_fn and syscall_run_fast, read
// through syscall_offsets.h) with s0..s11 and gp still live; the frame
// holds every other register. The fast way charges no CPU time
// (core/sched/cputime.h: its time goes to whichever mode the next edge or
// interrupt finds) and looks at one word for work on the way out, l_work
// (core/sched/lwp.h).
static_assert(sizeof(tine::SyscallArgs) == 6 * sizeof(u64) && kA5 == kA0 + 5);

// The offsets trap.S reads (syscall_offsets.h). Lwp has several bases, so
// it is not standard-layout; GCC and Clang still place its members the
// same way for every build of the kernel, and these checks say so.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
static_assert(offsetof(tine::Lwp, proc) == LWP_PROC);
static_assert(offsetof(tine::Lwp, l_sysrestart) == LWP_SYSRESTART);
static_assert(offsetof(tine::Lwp, l_work) == LWP_WORK);
static_assert(offsetof(tine::Proc, p_emul) == PROC_EMUL);
static_assert(offsetof(tine::Emul, nsyscalls) == EMUL_NSYSCALLS);
static_assert(offsetof(tine::Emul, fast) == EMUL_FAST);
#pragma GCC diagnostic pop
static_assert(sizeof(tine::Lwp::l_sysrestart) == 1 && sizeof(tine::Lwp::l_work) == 4 &&
              sizeof(tine::Emul::nsyscalls) == 4);
static_assert(tine::kRestartNone == 0);

namespace {
// What syscall_slow gets once trap.S has saved s0..s11: kNotStarted (the
// call needs the whole frame: run the trap as any other; trap.S's own 1),
// kFinish (the call ran; userret has work).
enum FastResult : long { kDone = 0, kNotStarted = 1, kFinish = 2 };
}

namespace {
// The way out of the fast path when l_work is not 0 (interrupts off).
long fast_work(tine::Lwp* l, u32 work) {
  if (work == tine::kWorkResched) {
    // A switch alone needs no frame: s0..s11 and gp stay on this thread's
    // stack and in its context. The bit is its hart's to set, and that is
    // this one, with interrupts off: cleared first, then the switch (if
    // the hart still wants one).
    __atomic_and_fetch(&l->l_work, ~tine::kWorkResched, __ATOMIC_RELAXED);
    tine::sched_trap_exit(true);
    if (!__atomic_load_n(&l->l_work, __ATOMIC_RELAXED)) return kDone;
  }
  return kFinish;
}
}  // namespace

// The end of a fast call that failed, noted a restart (syscall_run_fast's
// second half) or left the LWP work, with interrupts off; a0 in the frame
// is still the first argument. kDone: back the short way.
extern "C" long syscall_fast_tail(TrapFrame* f, tine::i64 r) {
  tine::Lwp* const l = static_cast<tine::Lwp*>(this_hart().current_thread);
  if (r < 0 || l->l_sysrestart != tine::kRestartNone)
    r = tine::syscall_note_restart(l, r, *reinterpret_cast<const tine::SyscallArgs*>(&f->x[kA0]));
  f->x[kA0] = static_cast<u64>(r);
  if (const u32 work = __atomic_load_n(&l->l_work, __ATOMIC_RELAXED)) return fast_work(l, work);
  // A restart to note is an error result (syscall_note_restart).
  return r < 0 && l->l_sysrestart != tine::kRestartNone ? kFinish : kDone;
}

// trap.S's page-fault path, with s0..s11 and gp live: the fault is
// resolved, or its signal posted (which sets l_work), as user_exception
// would, and like a fast call it charges no CPU time. 0: back the short
// way; kFinish: userret has work.
extern "C" long user_fault_fast(TrapFrame* f) {
  tine::Lwp* const l = static_cast<tine::Lwp*>(this_hart().current_thread);
  const auto cause = static_cast<Exception>(f->scause);
  const tine::Access access = cause == Exception::StorePageFault  ? tine::Access::Write
                              : cause == Exception::LoadPageFault ? tine::Access::Read
                                                                  : tine::Access::Exec;
  set_sstatus(kSstatusSIE);
  page_fault(*f, access);
  clear_sstatus(kSstatusSIE);
  if (const u32 work = __atomic_load_n(&l->l_work, __ATOMIC_RELAXED)) return fast_work(l, work);
  return kDone;
}

extern "C" void syscall_slow(TrapFrame* f, long how) {
  if (how == kNotStarted) {
    trap_dispatch(f);
    return;
  }
  tine::Lwp* const l = tine::curlwp();
  set_sstatus(kSstatusSIE);
  tine::userret(l);
  clear_sstatus(kSstatusSIE);
  tine::sched_trap_exit(true);
}
