// user_copy_in/out (contract in hal/uaccess.h): one copy loop in assembly
// with sstatus.SUM set (uaccess_window.h) and the hart's fault-recovery point armed, so a
// fault the trap path cannot resolve (see handle_kernel_exception and
// vm_fault_from_kernel) resumes at the end of the loop with ok still 0.
// The whole loop is one asm statement: at the recovery label the registers
// are those of the faulting instruction, which only the asm knows.
#include "hal/uaccess.h"

#include "core/lib/assert.h"
#include "hal/pmap.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/hart.h"
#include "hal/riscv/uaccess_window.h"

namespace tine::hal {

namespace {

// Doublewords while both sides are 8-aligned, then bytes. The recovery
// point is reached through tp (this hart's HartLocal): the caller keeps
// preemption off, so tp stays this hart's for the whole copy.
bool copy_recoverable(void* dst, const void* src, size_t n) {
  long ok;
  asm volatile(
      "lla t0, 3f\n"
      "sd t0, %[rec](tp)\n"
      "li %[ok], 0\n"
      "li t1, %[sum]\n"
      UACCESS_OPEN
      "or t2, %[d], %[s]\n"
      "andi t2, t2, 7\n"
      "bnez t2, 2f\n"
      "li t2, 8\n"
      "1:\n"
      "bltu %[n], t2, 2f\n"
      "ld t3, 0(%[s])\n"
      "sd t3, 0(%[d])\n"
      "addi %[s], %[s], 8\n"
      "addi %[d], %[d], 8\n"
      "addi %[n], %[n], -8\n"
      "j 1b\n"
      "2:\n"
      "beqz %[n], 4f\n"
      "lbu t3, 0(%[s])\n"
      "sb t3, 0(%[d])\n"
      "addi %[s], %[s], 1\n"
      "addi %[d], %[d], 1\n"
      "addi %[n], %[n], -1\n"
      "j 2b\n"
      "4:\n"
      "li %[ok], 1\n"
      "3:\n"
      UACCESS_CLOSE
      "sd zero, %[rec](tp)\n"
      : [ok] "=&r"(ok), [d] "+r"(dst), [s] "+r"(src), [n] "+r"(n)
      : [rec] "i"(HART_FAULT_RECOVER), [sum] "i"(riscv::kSstatusSUM)
      : "t0", "t1", "t2", "t3", "memory");
  return ok != 0;
}

}  // namespace

bool user_copy_in(void* kdst, uptr usrc, size_t n) {
  KASSERT(user_va_range(usrc, n));
  return copy_recoverable(kdst, reinterpret_cast<const void*>(usrc), n);
}

bool user_copy_out(uptr udst, const void* ksrc, size_t n) {
  KASSERT(user_va_range(udst, n));
  return copy_recoverable(reinterpret_cast<void*>(udst), ksrc, n);
}

}  // namespace tine::hal
