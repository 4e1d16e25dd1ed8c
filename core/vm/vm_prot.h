// Prot: machine-independent page protection. A PTE policy (hal/riscv/sv39.h)
// turns it into hardware bits; nothing outside the policy knows the encoding.
#pragma once

#include "core/lib/types.h"

namespace tine {

enum class Prot : u32 {
  None = 0,
  Read = 1,
  Write = 2,
  Exec = 4,
  User = 8,     // reachable from user mode
  Global = 16,  // present in every address space (the kernel half)
};

constexpr Prot operator|(Prot a, Prot b) {
  return static_cast<Prot>(static_cast<u32>(a) | static_cast<u32>(b));
}
constexpr Prot operator&(Prot a, Prot b) {
  return static_cast<Prot>(static_cast<u32>(a) & static_cast<u32>(b));
}
constexpr Prot operator~(Prot a) {
  return static_cast<Prot>(~static_cast<u32>(a));
}
constexpr Prot& operator|=(Prot& a, Prot b) { return a = a | b; }
constexpr Prot& operator&=(Prot& a, Prot b) { return a = a & b; }

// True when every flag of `flags` is set in `p`.
constexpr bool has(Prot p, Prot flags) { return (p & flags) == flags; }
// True when any flag of `flags` is set in `p`.
constexpr bool has_any(Prot p, Prot flags) { return (p & flags) != Prot::None; }

// The access rights proper; User and Global only qualify them. A mapping
// needs at least one access right (a page with none is simply not mapped).
inline constexpr Prot kProtAccess = Prot::Read | Prot::Write | Prot::Exec;

}  // namespace tine
