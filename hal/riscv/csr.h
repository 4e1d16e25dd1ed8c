// Supervisor CSRs by name, with typed accessors (STYLE.md: no magic numbers).
#pragma once

#include "core/lib/types.h"

namespace tine::hal::riscv {

// sstatus bits.
inline constexpr u64 kSstatusSIE = 1ull << 1;
inline constexpr u64 kSstatusSPIE = 1ull << 5;
inline constexpr u64 kSstatusSPP = 1ull << 8;
inline constexpr u64 kSstatusFS = 3ull << 13;
inline constexpr u64 kSstatusFSInitial = 1ull << 13;
inline constexpr u64 kSstatusFSClean = 2ull << 13;
inline constexpr u64 kSstatusFSDirty = 3ull << 13;
inline constexpr u64 kSstatusSUM = 1ull << 18;
inline constexpr u64 kSstatusMXR = 1ull << 19;

// sie / sip bits.
inline constexpr u64 kIntSoftware = 1ull << 1;
inline constexpr u64 kIntTimer = 1ull << 5;
inline constexpr u64 kIntExternal = 1ull << 9;

// scounteren bits: which counters user mode may read.
inline constexpr u64 kCounterenTM = 1ull << 1;  // the time CSR (rdtime)

// scause.
inline constexpr u64 kCauseInterrupt = 1ull << 63;
enum class Exception : u64 {
  InstructionMisaligned = 0,
  InstructionAccessFault = 1,
  IllegalInstruction = 2,
  Breakpoint = 3,
  LoadMisaligned = 4,
  LoadAccessFault = 5,
  StoreMisaligned = 6,
  StoreAccessFault = 7,
  EcallFromU = 8,
  EcallFromS = 9,
  InstructionPageFault = 12,
  LoadPageFault = 13,
  StorePageFault = 15,
};
enum class Interrupt : u64 { Software = 1, Timer = 5, External = 9 };

#define TINE_CSR_READ(name)                               \
  ({                                                      \
    unsigned long _v;                                     \
    asm volatile("csrr %0, " #name : "=r"(_v)::"memory"); \
    _v;                                                   \
  })
#define TINE_CSR_WRITE(name, v) \
  asm volatile("csrw " #name ", %0" ::"r"((unsigned long)(v)) : "memory")
#define TINE_CSR_SET(name, v) \
  asm volatile("csrs " #name ", %0" ::"r"((unsigned long)(v)) : "memory")
#define TINE_CSR_CLEAR(name, v) \
  asm volatile("csrc " #name ", %0" ::"r"((unsigned long)(v)) : "memory")

inline u64 read_sstatus() { return TINE_CSR_READ(sstatus); }
inline void set_sstatus(u64 bits) { TINE_CSR_SET(sstatus, bits); }
inline void clear_sstatus(u64 bits) { TINE_CSR_CLEAR(sstatus, bits); }
inline void set_sie(u64 bits) { TINE_CSR_SET(sie, bits); }
inline u64 read_sie() { return TINE_CSR_READ(sie); }
inline void write_sie(u64 v) { TINE_CSR_WRITE(sie, v); }
inline void clear_sie(u64 bits) { TINE_CSR_CLEAR(sie, bits); }
inline void clear_sip(u64 bits) { TINE_CSR_CLEAR(sip, bits); }
inline u64 read_sip() { return TINE_CSR_READ(sip); }
inline u64 read_scause() { return TINE_CSR_READ(scause); }
inline u64 read_stval() { return TINE_CSR_READ(stval); }
inline u64 read_sepc() { return TINE_CSR_READ(sepc); }
inline u64 read_satp() { return TINE_CSR_READ(satp); }
inline void write_satp(u64 v) { TINE_CSR_WRITE(satp, v); }
inline void write_stvec(u64 v) { TINE_CSR_WRITE(stvec, v); }
inline void write_sscratch(u64 v) { TINE_CSR_WRITE(sscratch, v); }
inline u64 read_scounteren() { return TINE_CSR_READ(scounteren); }
inline void set_scounteren(u64 bits) { TINE_CSR_SET(scounteren, bits); }
inline u64 read_time() { return TINE_CSR_READ(time); }
// stimecmp is CSR 0x14d (Sstc); named by number so older assemblers accept it.
inline void write_stimecmp(u64 v) { TINE_CSR_WRITE(0x14d, v); }

inline void sfence_vma_all() { asm volatile("sfence.vma" ::: "memory"); }
inline void sfence_vma_page(uptr va) {
  asm volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}
inline void wfi() { asm volatile("wfi" ::: "memory"); }
inline uptr read_tp() {
  uptr v;
  asm volatile("mv %0, tp" : "=r"(v));
  return v;
}
inline void write_tp(uptr v) { asm volatile("mv tp, %0" ::"r"(v)); }
inline uptr read_fp() {
  uptr v;
  asm volatile("mv %0, s0" : "=r"(v));
  return v;
}

}  // namespace tine::hal::riscv
