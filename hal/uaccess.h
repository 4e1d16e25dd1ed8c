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

// Atomic read-modify-write of the aligned 32-bit user word at uaddr (for
// futexes: Linux's arch_futex_atomic_op_inuser and futex_atomic_cmpxchg_
// inatomic). The same contract as the copies, plus: uaddr is 4-aligned.
// *old gets the word's value before the operation. False when the user
// side faulted (the word is then unchanged).
enum class UserAmo : u8 { Swap, Add, Or, And, Xor };
bool user_amo32(uptr uaddr, UserAmo op, u32 arg, u32* old);
// Stores desired if the word equals expected; *old is the value found.
bool user_cmpxchg32(uptr uaddr, u32 expected, u32 desired, u32* old);

}  // namespace tine::hal
