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
using tine::u64;

// trap.S's syscall path: the frame holds every register but s0..s11, which
// are still live (syscall.h). 0: done, return the short way. Otherwise the
// code syscall_slow gets once trap.S has saved s0..s11: kNotStarted (the
// call needs the whole frame: run the trap as any other), kFinish (the call
// ran; userret has work).
static_assert(sizeof(tine::SyscallArgs) == 6 * sizeof(u64) && kA5 == kA0 + 5);

namespace {
enum FastResult : long { kDone = 0, kNotStarted = 1, kFinish = 2 };
}

extern "C" long syscall_fast(TrapFrame* f) {
  HartLocal& h = this_hart();
  tine::Lwp* const l = static_cast<tine::Lwp*>(h.current_thread);
  const u64 number = f->x[kA7];
  if (!tine::syscall_fast_ok(l, number)) return kNotStarted;
  tine::cputime_edge(l, l->l_utime_ns, time_ns_inline());
  f->sepc += 4;  // past the ecall
  set_sstatus(kSstatusSIE);
  // a0..a5 in the frame are the arguments: no copy (layout checked above).
  const auto& args = *reinterpret_cast<const tine::SyscallArgs*>(&f->x[kA0]);
  f->x[kA0] = static_cast<u64>(tine::syscall_run_fast(l, number, args));
  const bool idle = tine::userret_fast(l);
  clear_sstatus(kSstatusSIE);
  if (!idle) return kFinish;
  // The LWP may be on another hart now: tp says which.
  const tine::Cpu& c = tine::g_cpus[this_hart().index];
  // A switch needs no frame: s0..s11 stay on this thread's stack. Rare.
  if (c.need_resched) tine::sched_trap_exit(true);
  tine::cputime_edge(l, l->l_stime_ns, time_ns_inline());
  return kDone;
}

extern "C" void syscall_slow(TrapFrame* f, long how) {
  if (how == kNotStarted) {
    trap_dispatch(f);
    return;
  }
  tine::Lwp* const l = tine::curlwp();
  set_sstatus(kSstatusSIE);
  tine::userret_work(l);
  clear_sstatus(kSstatusSIE);
  tine::sched_trap_exit(true);
  tine::cputime_kernel_to_user(l);
}
