// user_amo32/user_cmpxchg32 (contract in hal/uaccess.h): one AMO, or an
// LR/SC loop, on the user word with sstatus.SUM set and the hart's
// fault-recovery point armed, as the copies in uaccess.cpp. A store or AMO
// page fault goes through vm_fault_from_kernel first (a copy-on-write page
// is copied there, then the instruction runs again); what that cannot
// resolve resumes at the recovery label with ok still 0.
#include "core/lib/assert.h"
#include "hal/pmap.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/hart.h"
#include "hal/riscv/uaccess_window.h"
#include "hal/uaccess.h"

namespace tine::hal {

namespace {

// One AMO instruction `insn` (e.g. "amoswap.w.aqrl") on *addr.
#define TINE_USER_AMO(insn)                                                   \
  asm volatile(                                                               \
      "lla t0, 1f\n"                                                          \
      "sd t0, %[rec](tp)\n"                                                   \
      "li %[ok], 0\n"                                                         \
      "li t1, %[sum]\n"                                                       \
      UACCESS_OPEN insn " %[old], %[arg], (%[addr])\n"                \
      "li %[ok], 1\n"                                                         \
      "1:\n"                                                                  \
      UACCESS_CLOSE                                                           \
      "sd zero, %[rec](tp)\n"                                                 \
      : [ok] "=&r"(ok), [old] "=&r"(old)                                      \
      : [arg] "r"(arg), [addr] "r"(addr), [rec] "i"(HART_FAULT_RECOVER),      \
        [sum] "i"(riscv::kSstatusSUM)                                         \
      : "t0", "t1", "memory")

}  // namespace

bool user_amo32(uptr uaddr, UserAmo op, u32 arg32, u32* old_out) {
  KASSERT(user_va_range(uaddr, 4) && uaddr % 4 == 0);
  long ok = 0;
  long old = 0;
  const long arg = i32(arg32);
  void* addr = reinterpret_cast<void*>(uaddr);
  switch (op) {
    case UserAmo::Swap: TINE_USER_AMO("amoswap.w.aqrl"); break;
    case UserAmo::Add: TINE_USER_AMO("amoadd.w.aqrl"); break;
    case UserAmo::Or: TINE_USER_AMO("amoor.w.aqrl"); break;
    case UserAmo::And: TINE_USER_AMO("amoand.w.aqrl"); break;
    case UserAmo::Xor: TINE_USER_AMO("amoxor.w.aqrl"); break;
  }
  if (ok) *old_out = u32(old);
  return ok != 0;
}

#undef TINE_USER_AMO

bool user_cmpxchg32(uptr uaddr, u32 expected, u32 desired, u32* old_out) {
  KASSERT(user_va_range(uaddr, 4) && uaddr % 4 == 0);
  long ok;
  long old = 0;
  // lr.w sign-extends: compare against the sign-extended expectation.
  const long exp = i32(expected);
  const long des = i32(desired);
  void* addr = reinterpret_cast<void*>(uaddr);
  asm volatile(
      "lla t0, 3f\n"
      "sd t0, %[rec](tp)\n"
      "li %[ok], 0\n"
      "li t1, %[sum]\n"
      UACCESS_OPEN
      "1:\n"
      "lr.w.aqrl %[old], (%[addr])\n"
      "bne %[old], %[exp], 2f\n"
      "sc.w.aqrl t2, %[des], (%[addr])\n"
      "bnez t2, 1b\n"
      "2:\n"
      "li %[ok], 1\n"
      "3:\n"
      UACCESS_CLOSE
      "sd zero, %[rec](tp)\n"
      : [ok] "=&r"(ok), [old] "=&r"(old)
      : [exp] "r"(exp), [des] "r"(des), [addr] "r"(addr), [rec] "i"(HART_FAULT_RECOVER),
        [sum] "i"(riscv::kSstatusSUM)
      : "t0", "t1", "t2", "memory");
  if (ok) *old_out = u32(old);
  return ok != 0;
}

}  // namespace tine::hal
