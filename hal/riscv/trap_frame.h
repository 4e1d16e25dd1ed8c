// The register frame the trap vector saves, in the order trap.S stores it.
#pragma once

// Byte offsets for trap.S; the static_asserts below keep them honest.
#define TRAP_FRAME_REG(n) ((n) * 8)
#define TRAP_FRAME_SEPC 256
#define TRAP_FRAME_SSTATUS 264
#define TRAP_FRAME_SCAUSE 272
#define TRAP_FRAME_STVAL 280
#define TRAP_FRAME_SIZE 288
// sstatus.SUM for trap.S (checked against kSstatusSUM in trap.cpp).
#define TRAP_SSTATUS_SUM (1 << 18)
// scause of an ecall from U-mode: trap.S's syscall path (checked in trap.cpp).
#define TRAP_CAUSE_ECALL_U 8
// sstatus.SIE for trap.S's fast call (checked against kSstatusSIE in trap.cpp).
#define TRAP_SSTATUS_SIE 2
// scause of an instruction page fault, the first of the three page faults
// (12, 13 load, 15 store; 14 is reserved): trap.S's fault path (trap.cpp).
#define TRAP_CAUSE_INSN_PAGE_FAULT 12

#ifndef __ASSEMBLER__
#include "core/lib/types.h"

namespace tine::hal::riscv {

// x0..x31 by number; x0's slot is unused. ABI names for readability.
enum Reg : unsigned {
  kRa = 1, kSp = 2, kGp = 3, kTp = 4, kT0 = 5, kT1 = 6, kT2 = 7, kS0 = 8,
  kS1 = 9, kA0 = 10, kA1 = 11, kA2 = 12, kA3 = 13, kA4 = 14, kA5 = 15,
  kA6 = 16, kA7 = 17,
};

struct TrapFrame {
  u64 x[32];
  u64 sepc;
  u64 sstatus;
  u64 scause;
  u64 stval;
};

static_assert(offsetof(TrapFrame, sepc) == TRAP_FRAME_SEPC);
static_assert(offsetof(TrapFrame, sstatus) == TRAP_FRAME_SSTATUS);
static_assert(offsetof(TrapFrame, scause) == TRAP_FRAME_SCAUSE);
static_assert(offsetof(TrapFrame, stval) == TRAP_FRAME_STVAL);
static_assert(sizeof(TrapFrame) == TRAP_FRAME_SIZE);
static_assert(TRAP_FRAME_SIZE % 16 == 0, "the ABI wants sp 16-aligned");

}  // namespace tine::hal::riscv
#endif
