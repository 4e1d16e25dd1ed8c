// Traps taken from U-mode: syscalls (ecall), page faults (the address
// space resolves them or the process gets SIGSEGV), other faults as
// signals with Linux's si_code and si_addr (arch/riscv/kernel/traps.c).
// Interrupts are on while the kernel serves the process.
#include "hal/riscv/user_trap.h"

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
#include "hal/riscv/timer.h"
#include "hal/riscv/trap.h"

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

// trap.S's syscall path: the frame holds every register but s0..s11, which
// are still live (syscall.h). 0: done, return the short way. Otherwise the
// code syscall_slow gets once trap.S has saved s0..s11: kNotStarted (the
// call needs the whole frame: run the trap as any other), kFinish (the call
// ran; userret has work).
//
// The fast way charges no CPU time (core/sched/cputime.h: its time goes to
// whichever mode the next edge or interrupt finds) and looks at one word
// for work on the way out, l_work (core/sched/lwp.h).
static_assert(sizeof(tine::SyscallArgs) == 6 * sizeof(u64) && kA5 == kA0 + 5);

namespace {
enum FastResult : long { kDone = 0, kNotStarted = 1, kFinish = 2 };
}

namespace {
// The way out of the fast path when l_work is not 0 (interrupts off).
[[gnu::noinline]] long fast_work(tine::Lwp* l, u32 work) {
  if (work == tine::kWorkResched) {
    // A switch alone needs no frame: s0..s11 stay on this thread's stack.
    // The bit is its hart's to set, and that is this one, with interrupts
    // off: cleared first, then the switch (if the hart still wants one).
    __atomic_and_fetch(&l->l_work, ~tine::kWorkResched, __ATOMIC_RELAXED);
    tine::sched_trap_exit(true);
    if (!__atomic_load_n(&l->l_work, __ATOMIC_RELAXED)) return kDone;
  }
  return kFinish;
}
}  // namespace

extern "C" long syscall_fast(TrapFrame* f) {
  tine::Lwp* const l = static_cast<tine::Lwp*>(this_hart().current_thread);
  const tine::SyscallFn fn = tine::syscall_fast_fn(l, f->x[kA7]);
  if (!fn) return kNotStarted;
  f->sepc += 4;  // past the ecall
  set_sstatus(kSstatusSIE);
  // a0..a5 in the frame are the arguments: no copy (layout checked above).
  const tine::i64 r =
      tine::syscall_run_fast(l, fn, *reinterpret_cast<const tine::SyscallArgs*>(&f->x[kA0]));
  f->x[kA0] = static_cast<u64>(r);
  clear_sstatus(kSstatusSIE);
  // From here nothing is posted for l on this hart (interrupts are off);
  // what another hart posts later is taken at l's next return.
  if (const u32 work = __atomic_load_n(&l->l_work, __ATOMIC_RELAXED)) return fast_work(l, work);
  // A restart to note is an error result (syscall_note_restart).
  return r < 0 && l->l_sysrestart != tine::kRestartNone ? kFinish : kDone;
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
