// The Sv39 page-table entry format and the satp register layout, as pure bit
// manipulation (no CSR access), so the host tests drive the real encoding.
// Reference: RISC-V privileged spec, "Sv39: Page-Based 39-bit Virtual-Memory
// System" and "Supervisor Address Translation and Protection (satp)".
//
// Sv39 is the PTE policy core/vm/pagetable.h walks with: PageTable<Sv39, ...>.
#pragma once

#include "core/lib/types.h"
#include "core/vm/vm_prot.h"
#include "hal/riscv/pte_bits.h"  // the same bits, for boot/entry.S

namespace tine::hal::riscv {

// PTE bits, named as in the spec.
namespace pte {
inline constexpr u64 kV = PTE_V;  // valid
inline constexpr u64 kR = PTE_R;  // readable
inline constexpr u64 kW = PTE_W;  // writable
inline constexpr u64 kX = PTE_X;  // executable
inline constexpr u64 kU = PTE_U;  // user mode may access
inline constexpr u64 kG = PTE_G;  // global: in every address space
inline constexpr u64 kA = PTE_A;  // accessed
inline constexpr u64 kD = PTE_D;  // dirty
// Two bits the hardware ignores, left to the kernel (e.g. a copy-on-write
// mark). The walker never touches them; with_prot() keeps them.
inline constexpr unsigned kRswShift = 8;
inline constexpr u64 kRswMask = u64{3} << kRswShift;
// On an invalid entry (whose other bits the hardware ignores): a last-level
// table parked by PageTable::park(), its PPN kept in the usual place.
inline constexpr u64 kParked = u64{1} << kRswShift;
// PPN[2:0], 44 bits, starting at bit 10. Bits 54..63 (reserved, Svpbmt's
// PBMT, Svnapot's N) stay zero: no Svpbmt on the U74 (DESIGN.md).
inline constexpr unsigned kPpnShift = PTE_PPN_SHIFT;
inline constexpr unsigned kPpnBits = 44;
inline constexpr u64 kPpnMask = ((u64{1} << kPpnBits) - 1) << kPpnShift;
// R, W and X all clear on a valid entry means "pointer to the next level".
inline constexpr u64 kRwx = kR | kW | kX;
// The bits Prot controls on a leaf.
inline constexpr u64 kProtBits = kRwx | kU | kG;
}  // namespace pte

namespace satp {
inline constexpr unsigned kModeShift = 60;
inline constexpr u64 kModeBare = 0;
inline constexpr u64 kModeSv39 = 8;
inline constexpr u64 kModeMask = u64{0xf} << kModeShift;
inline constexpr unsigned kAsidShift = 44;
inline constexpr unsigned kAsidBits = 16;
inline constexpr u64 kAsidMask = ((u64{1} << kAsidBits) - 1) << kAsidShift;
inline constexpr unsigned kPpnBits = 44;
inline constexpr u64 kPpnMask = (u64{1} << kPpnBits) - 1;
}  // namespace satp

// satp value selecting Sv39 with root table `root_pa` (page aligned) and
// `asid`. Harts implement ASIDLEN 0..16; unimplemented ASID bits read as zero.
constexpr u64 make_satp(paddr_t root_pa, u16 asid) {
  return (satp::kModeSv39 << satp::kModeShift) |
         (u64{asid} << satp::kAsidShift) |
         ((root_pa >> kPageShift) & satp::kPpnMask);
}
constexpr u64 satp_mode(u64 satp) {
  return (satp & satp::kModeMask) >> satp::kModeShift;
}
constexpr u16 satp_asid(u64 satp) {
  return static_cast<u16>((satp & satp::kAsidMask) >> satp::kAsidShift);
}
constexpr paddr_t satp_root(u64 satp) {
  return (satp & satp::kPpnMask) << kPageShift;
}

// The PtePolicy (core/vm/pagetable.h) for Sv39.
struct Sv39 {
  using pte_t = u64;
  static constexpr unsigned kLevels = 3;     // 1 GiB, 2 MiB, 4 KiB pages
  static constexpr unsigned kIndexBits = 9;  // 512 entries a table
  static constexpr unsigned kVaBits = 39;
  static constexpr unsigned kPaBits = pte::kPpnBits + kPageShift;  // 56

  static constexpr bool is_valid(pte_t e) { return (e & pte::kV) != 0; }
  static constexpr bool is_leaf(pte_t e) {
    return is_valid(e) && (e & pte::kRwx) != 0;
  }

  // A and D are set up front: hardware may either set them or raise a page
  // fault when they are clear (the spec allows both), and Tine tracks neither.
  static constexpr pte_t make_leaf(paddr_t pa, Prot prot) {
    return ppn_bits(pa) | prot_bits(prot) | pte::kV | pte::kA | pte::kD;
  }
  // Non-leaf entries must keep D, A and U clear (reserved by the spec).
  static constexpr pte_t make_table(paddr_t pa) {
    return ppn_bits(pa) | pte::kV;
  }

  static constexpr paddr_t address(pte_t e) {
    return ((e & pte::kPpnMask) >> pte::kPpnShift) << kPageShift;
  }

  static constexpr Prot prot(pte_t e) {
    Prot p = Prot::None;
    if (e & pte::kR) p |= Prot::Read;
    if (e & pte::kW) p |= Prot::Write;
    if (e & pte::kX) p |= Prot::Exec;
    if (e & pte::kU) p |= Prot::User;
    if (e & pte::kG) p |= Prot::Global;
    return p;
  }

  static constexpr pte_t write_bits() { return pte::kW; }

  // Replaces the permission bits of a leaf; V, A, D, RSW and PPN stay.
  static constexpr pte_t with_prot(pte_t e, Prot prot) {
    return (e & ~pte::kProtBits) | prot_bits(prot);
  }

  static constexpr pte_t invalid() { return 0; }

  static constexpr pte_t make_parked(paddr_t pa) {
    return ppn_bits(pa) | pte::kParked;
  }
  static constexpr bool is_parked(pte_t e) {
    return (e & (pte::kV | pte::kParked)) == pte::kParked;
  }

  // Bits 63..39 must all equal bit 38, else the access faults.
  static constexpr bool is_canonical(uptr va) {
    const i64 top = static_cast<i64>(va) >> (kVaBits - 1);
    return top == 0 || top == -1;
  }

 private:
  static constexpr pte_t ppn_bits(paddr_t pa) {
    return ((pa >> kPageShift) << pte::kPpnShift) & pte::kPpnMask;
  }
  // W without R is a reserved encoding, so Write implies Read here:
  // prot() of such a leaf reports Read | Write.
  static constexpr pte_t prot_bits(Prot p) {
    pte_t e = 0;
    if (has_any(p, Prot::Read | Prot::Write)) e |= pte::kR;
    if (has(p, Prot::Write)) e |= pte::kW;
    if (has(p, Prot::Exec)) e |= pte::kX;
    if (has(p, Prot::User)) e |= pte::kU;
    if (has(p, Prot::Global)) e |= pte::kG;
    return e;
  }
};

static_assert(Sv39::kVaBits == kPageShift + Sv39::kLevels * Sv39::kIndexBits);
static_assert((sizeof(Sv39::pte_t) << Sv39::kIndexBits) == kPageSize);

}  // namespace tine::hal::riscv
