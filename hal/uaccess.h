// The HAL's half of copyin/copyout (core/vm/uaccess.cpp has the other): one
// raw copy between kernel memory and the user half of the address space
// loaded on this hart, which reports a fault instead of panicking.
//
// RISC-V (hal/riscv/uaccess.cpp): sets sstatus.SUM for the copy only and
// arms the hart's fault-recovery point. A page fault on the user side first
// goes to vm_fault_from_kernel (core/vm/vm.h) through the kernel trap path,
// so demand-zero and copy-on-write pages fill in without a failure; what
// that cannot resolve ends the copy with false.
// Host (hal/host/uaccess.cpp): translates through the pmap of curvm() page
// by page, calling vm_fault_from_kernel for a missing page.
//
// Contract: the caller has checked [user, user+n) lies below kUserVaTop
// (hal/pmap.h), and keeps the thread on this hart (preemption off): the
// recovery point is per hart. Kernel-side memory must be mapped. n may be 0.
#pragma once

#include "core/lib/types.h"

namespace tine::hal {

// Both return false when the user side faulted; some bytes may have been
// copied by then.
bool user_copy_in(void* kdst, uptr usrc, size_t n);
bool user_copy_out(uptr udst, const void* ksrc, size_t n);

}  // namespace tine::hal
