// Traps taken from U-mode: syscalls (ecall), page faults (the address
// space resolves them or the process gets SIGSEGV), other faults as
// signals with Linux's si_code and si_addr (arch/riscv/kernel/traps.c).
// Interrupts are on while the kernel serves the process.
#include "hal/riscv/user_trap.h"

#include "core/proc/sigacts.h"
#include "core/proc/signal.h"
#include "core/proc/syscall.h"
#include "core/sched/sched.h"
#include "core/vm/vm.h"
#include "hal/riscv/csr.h"

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
