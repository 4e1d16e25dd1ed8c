// Traps taken from U-mode: syscalls (ecall), page faults (the address
// space resolves them or the process gets SIGSEGV), other faults as
// signals. Interrupts are on while the kernel serves the process.
#include "hal/riscv/user_trap.h"

#include "core/proc/sigacts.h"
#include "core/proc/syscall.h"
#include "core/sched/sched.h"
#include "core/vm/vm.h"
#include "hal/riscv/csr.h"

namespace tine::hal::riscv {

namespace {
void page_fault(TrapFrame& f, Access access) {
  if (const int sig = vm_user_fault(curlwp(), f.stval, access)) user_fault_signal(sig);
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
    case Exception::IllegalInstruction: user_fault_signal(kSigIll); break;
    case Exception::Breakpoint: user_fault_signal(kSigTrap); break;
    case Exception::InstructionMisaligned:
    case Exception::LoadMisaligned:
    case Exception::StoreMisaligned: user_fault_signal(kSigBus); break;
    default: user_fault_signal(kSigSegv); break;
  }
  clear_sstatus(kSstatusSIE);
}

}  // namespace tine::hal::riscv
